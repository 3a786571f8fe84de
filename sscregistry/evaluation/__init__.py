"""Search, measured: a gold set of queries in many languages, run over the seed records and a
fixture of multilingual records (`records.json`, in the seed's format), in each retrieval mode.

`manage.py evaluate_search` prints recall@10 and MRR (mean reciprocal rank of the expected record,
0 when it is not in the first ten) for each language, each kind of query and each mode, and with
`--check` fails below the targets (`TARGETS`). It runs in a transaction it rolls back, with the
figures cache off, so the registry it measures is left exactly as it was.

Each query names the record it expects (`"partner:unossc"`) and is run through the search of that
record's type, published records only, as the type's own list runs it.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pghistory
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from events.models import Event
from partnerships.models import Partner, Partnership
from registry import embeddings
from registry.search import HYBRID, RETRIEVALS, SearchOutcome, order_by_relevance, search, search_documents
from registry.signals import disconnected
from reports.models import Publication
from sscregistry.seed import SEED, SeedLoader, load_seed_data

HERE = Path(__file__).resolve().parent
RECORDS = HERE / "records.json"
QUERIES = HERE / "queries.json"
TYPES: dict[str, type[models.Model]] = {
    "partner": Partner,
    "partnership": Partnership,
    "event": Event,
    "publication": Publication,
}
DEPTH = 10
EXACT_KINDS = ("exact-title", "acronym", "identifier")
# Queries about nothing in the registry ("expected" is empty): they measure how many records the
# embeddings add where none belongs.
UNRELATED = "unrelated"


@dataclass(frozen=True)
class Query:
    q: str
    language: str
    kind: str
    expected: str  # "<type>:<slug>"

    @property
    def model(self) -> type[models.Model]:
        return TYPES[self.expected.split(":", 1)[0]]

    @property
    def slug(self) -> str:
        return self.expected.split(":", 1)[1]


def read_queries(path: Path = QUERIES) -> list[Query]:
    return [Query(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))]


def load_fixture(path: Path = RECORDS) -> SeedLoader:
    """Create the fixture's records (published, with their parts and search documents)."""
    loader = SeedLoader(json.loads(path.read_text(encoding="utf-8")))
    with pghistory.context(via="manage.py evaluate_search"), disconnected():
        loader.run()
        loader.write_search_documents()
    return loader


# Each record type's list in the seed (sscregistry.seed.SEED).
SEED_LISTS = {
    "partner": "partners",
    "partnership": "partnerships",
    "event": "events",
    "publication": "publications",
}


def seed_slugs(type_name: str) -> set[str]:
    """The slugs of the seed's records of a type ("partner", ...)."""
    return {entry["slug"] for entry in SEED[SEED_LISTS[type_name]]}


def other_records() -> int:
    """How many searchable records the database holds besides the seed's."""
    return sum(
        model._default_manager.exclude(slug__in=seed_slugs(name)).count() for name, model in TYPES.items()
    )


class EvaluationCommand(BaseCommand):
    """What both evaluation commands share: `--check`, `--anyway` and the refusal to measure a
    database that holds more than the seed (`measured` names what the figures are about)."""

    measured = "the seed"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Exit with an error below the targets.")
        parser.add_argument(
            "--anyway",
            action="store_true",
            help="Run even though the database holds other records (they change the figures).",
        )

    def refuse_other_records(self, options: dict[str, Any]) -> None:
        others = other_records()
        if others and not options["anyway"]:
            raise CommandError(
                f"This database holds {others:,} records besides the seed's: the evaluation measures "
                f"{self.measured} on their own. Run it on a fresh database (the test suite does), or "
                "pass --anyway."
            )


def embed_everything() -> int:
    """Embed every searchable record now, in this process (no task queue)."""
    return sum(embeddings.embed_rows(apps.get_model(d.model)) for d in search_documents())


def rank_of(query: Query, retrieval: str) -> int | None:
    """The expected record's position (1 = first) among the first DEPTH results, or None."""
    found, _outcome = search(query.model._default_manager.published(), query.q, retrieval=retrieval)
    slugs = list(order_by_relevance(found).values_list("slug", flat=True)[:DEPTH])
    return slugs.index(query.slug) + 1 if query.slug in slugs else None


@dataclass
class Score:
    count: int = 0
    hits: int = 0
    reciprocal: float = 0.0

    def add(self, rank: int | None) -> None:
        self.count += 1
        if rank is not None:
            self.hits += 1
            self.reciprocal += 1.0 / rank

    @property
    def recall(self) -> float:
        return self.hits / self.count if self.count else 0.0

    @property
    def mrr(self) -> float:
        return self.reciprocal / self.count if self.count else 0.0


@dataclass
class Evaluation:
    """Scores by (group, mode); groups are "all", "language:<code>" and "kind:<kind>"."""

    scores: dict[tuple[str, str], Score]
    misses: list[tuple[Query, str, int | None]]  # hybrid answers not ranked first
    noise: list[int]  # per unrelated query, the records the embeddings added (all types)
    timings: list[float] = field(default_factory=list)  # ms per hybrid search, its embedding included

    def score(self, group: str, mode: str) -> Score:
        return self.scores.get((group, mode), Score())

    def failures(self) -> list[str]:
        """The targets this evaluation misses, in words (none: it passes)."""
        failed = []
        cross = self.score("kind:cross-language", "hybrid")
        if cross.recall < TARGETS["cross_language_recall"]:
            failed.append(f"hybrid recall@10 on cross-language queries is {cross.recall:.3f} (target 0.9)")
        for kind in EXACT_KINDS:
            exact = self.score(f"kind:{kind}", "hybrid")
            if exact.count and exact.mrr < TARGETS["exact_mrr"]:
                failed.append(f"hybrid MRR on {kind} queries is {exact.mrr:.3f} (target 1.0)")
        hybrid, text = self.score("language:en", "hybrid"), self.score("language:en", "fulltext")
        if hybrid.recall < text.recall or hybrid.mrr < text.mrr:
            failed.append(
                f"on English queries hybrid (recall {hybrid.recall:.3f}, MRR {hybrid.mrr:.3f})"
                f" is below full text (recall {text.recall:.3f}, MRR {text.mrr:.3f})"
            )
        return failed


TARGETS = {"cross_language_recall": 0.9, "exact_mrr": 1.0}


def vector_noise(query: Query) -> int:
    """How many records the embeddings add, over every record type, for a query about nothing in
    the registry (each one is noise in a list's count)."""
    added = 0
    for model in TYPES.values():
        found, _outcome = search(model._default_manager.published(), query.q, retrieval=SearchOutcome.VECTOR)
        added += found.count()
    return added


def evaluate(queries: Iterable[Query], modes: Iterable[str] = RETRIEVALS) -> Evaluation:
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    misses = []
    noise: list[int] = []
    timings: list[float] = []
    for query in queries:
        if query.kind == UNRELATED:
            noise.append(vector_noise(query))
            continue
        for mode in modes:
            if mode == HYBRID:
                embeddings.query_vector.cache_clear()  # timed with the query's embedding
                started = time.perf_counter()
            rank = rank_of(query, mode)
            if mode == HYBRID:
                timings.append((time.perf_counter() - started) * 1000)
            for group in ("all", f"language:{query.language}", f"kind:{query.kind}"):
                scores[(group, mode)].add(rank)
            if mode == "hybrid" and rank != 1:
                misses.append((query, mode, rank))
    return Evaluation(dict(scores), misses, noise, timings)


def run(*, fixture: bool = True, queries: list[Query] | None = None) -> Evaluation:
    """Load the seed (and the fixture), embed, evaluate, and roll everything back."""
    queries = read_queries() if queries is None else queries
    if not fixture:
        queries = [q for q in queries if _in_seed(q)]
    with transaction.atomic():
        load_seed_data()
        if fixture:
            load_fixture()
        embed_everything()
        evaluation = evaluate(queries)
        transaction.set_rollback(True)
    return evaluation


def _in_seed(query: Query) -> bool:
    """Whether the query is about a seed record (the unrelated ones are kept: they need none)."""
    if query.kind == UNRELATED:
        return True
    return query.slug in seed_slugs(query.expected.split(":", 1)[0])


def report(evaluation: Evaluation, modes: Iterable[str] = RETRIEVALS) -> list[str]:
    """The evaluation as a table: one row per group, recall@10 and MRR per mode."""
    modes = list(modes)
    groups = sorted({group for group, _mode in evaluation.scores}, key=lambda g: (g != "all", g))
    header = f"{'queries':<26}{'n':>5}" + "".join(f"{m + ' R@10':>16}{m + ' MRR':>15}" for m in modes)
    lines = [header, "-" * len(header)]
    for group in groups:
        count = evaluation.score(group, modes[0]).count
        cells = "".join(
            f"{evaluation.score(group, m).recall:>16.3f}{evaluation.score(group, m).mrr:>15.3f}"
            for m in modes
        )
        lines.append(f"{group:<26}{count:>5}{cells}")
    if evaluation.timings:
        ordered = sorted(evaluation.timings)
        lines.append(
            f"hybrid search time (query embedding, ranking, first ten; no cache): median "
            f"{statistics.median(ordered):.1f} ms, p95 {ordered[int(len(ordered) * 0.95)]:.1f} ms"
        )
    if evaluation.noise:
        total = sum(evaluation.noise)
        lines.append(
            f"unrelated queries: {len(evaluation.noise)}, records added by vectors: {total} "
            f"({total / len(evaluation.noise):.2f} per query, over every type)"
        )
    return lines
