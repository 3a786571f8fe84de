"""Organisation matching, measured: labelled names (`matching.json`), each with the partner it is
or null, matched over the seed's partners, the search fixture's and the extra partners of
`matching.json` (hard negatives: UNOOSA beside UNOSSC, parent and child offices, the same ministry's
name in two countries).

`manage.py evaluate_matching` prints the precision and recall of `chosen` and the recall@5 of the
candidates, overall, per kind of name and per language, and the wrong choices. It runs in a
transaction it rolls back, so the registry it measures is left as it was.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from partnerships import matching
from partnerships.models import Partner
from registry import embeddings
from sscregistry.seed import load_seed_data

from . import load_fixture

PAIRS = Path(__file__).resolve().parent / "matching.json"
HARD_NEGATIVE = "hard_negative"
DEPTH = 5
TARGETS = {"chosen_precision": 0.99, "recall_at_5": 0.95, "hard_negatives_chosen_wrongly": 0}


@dataclass(frozen=True)
class Pair:
    name: str
    language: str
    expected: str | None
    kind: str
    country: str = ""
    type: str = ""
    note: str = ""


def read_pairs(path: Path = PAIRS) -> list[Pair]:
    return [Pair(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))["pairs"]]


@dataclass
class Tally:
    pairs: int = 0
    expected: int = 0  # pairs naming a partner
    chosen: int = 0
    chosen_right: int = 0
    found: int = 0  # expected partner among the first DEPTH candidates

    @property
    def precision(self) -> float:
        return self.chosen_right / self.chosen if self.chosen else 1.0

    @property
    def recall(self) -> float:
        return self.chosen_right / self.expected if self.expected else 1.0

    @property
    def recall_at_5(self) -> float:
        return self.found / self.expected if self.expected else 1.0


@dataclass
class MatchingEvaluation:
    tallies: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    wrong: list[tuple[Pair, str]] = field(default_factory=list)  # (pair, the slug chosen)
    missed: list[Pair] = field(default_factory=list)  # expected partner not among the candidates
    timings: list[float] = field(default_factory=list)

    @property
    def hard_negatives_chosen_wrongly(self) -> int:
        return sum(1 for pair, _slug in self.wrong if pair.kind == HARD_NEGATIVE)

    def failures(self) -> list[str]:
        overall = self.tallies["all"]
        failed = []
        if overall.precision < TARGETS["chosen_precision"]:
            failed.append(f"precision of chosen {overall.precision:.3f} < {TARGETS['chosen_precision']}")
        if overall.recall_at_5 < TARGETS["recall_at_5"]:
            failed.append(f"recall@5 {overall.recall_at_5:.3f} < {TARGETS['recall_at_5']}")
        if self.hard_negatives_chosen_wrongly > TARGETS["hard_negatives_chosen_wrongly"]:
            failed.append(f"{self.hard_negatives_chosen_wrongly} hard negatives chosen wrongly")
        return failed


def evaluate(pairs: list[Pair]) -> MatchingEvaluation:
    result = MatchingEvaluation()
    for pair in pairs:
        started = time.perf_counter()
        candidates = matching.match(
            pair.name, country=pair.country or None, organisation_type=pair.type or None, limit=DEPTH
        )
        result.timings.append((time.perf_counter() - started) * 1000)
        slugs = [c.partner.slug for c in candidates]
        chosen = next((c.partner.slug for c in candidates if c.chosen), None)
        for group in ("all", f"kind {pair.kind}", f"language {pair.language}"):
            tally = result.tallies[group]
            tally.pairs += 1
            tally.expected += pair.expected is not None
            tally.chosen += chosen is not None
            tally.chosen_right += chosen is not None and chosen == pair.expected
            tally.found += pair.expected is not None and pair.expected in slugs
        if chosen is not None and chosen != pair.expected:
            result.wrong.append((pair, chosen))
        if pair.expected is not None and pair.expected not in slugs:
            result.missed.append(pair)
    return result


def run(pairs: list[Pair] | None = None) -> MatchingEvaluation:
    """Load the seed, the search fixture and the extra partners, embed the partners, evaluate, and
    roll everything back."""
    pairs = read_pairs() if pairs is None else pairs
    with transaction.atomic():
        load_seed_data()
        load_fixture()
        load_fixture(PAIRS)  # its "partners"; the loader ignores the pairs
        embeddings.embed_rows(Partner)
        result = evaluate(pairs)
        transaction.set_rollback(True)
    return result


def report(result: MatchingEvaluation) -> list[str]:
    header = f"{'names':<22}{'n':>5}{'chosen P':>10}{'chosen R':>10}{'R@5':>8}"
    lines = [header, "-" * len(header)]
    order = sorted(result.tallies, key=lambda g: (g != "all", not g.startswith("kind"), g))
    for group in order:
        t = result.tallies[group]
        lines.append(f"{group:<22}{t.pairs:>5}{t.precision:>10.3f}{t.recall:>10.3f}{t.recall_at_5:>8.3f}")
    lines.append(f"hard negatives chosen wrongly: {result.hard_negatives_chosen_wrongly}")
    if result.timings:
        ordered = sorted(result.timings)
        lines.append(
            f"match time: median {statistics.median(ordered):.1f} ms, "
            f"p95 {ordered[int(len(ordered) * 0.95)]:.1f} ms"
        )
    return lines


def details(result: MatchingEvaluation) -> list[str]:
    lines: list[Any] = ["Chosen wrongly:"]
    lines += [
        f"  [{p.language} {p.kind}] {p.name!r} -> {slug} (expected {p.expected})" for p, slug in result.wrong
    ]
    lines.append("Expected partner not among the candidates:")
    lines += [f"  [{p.language} {p.kind}] {p.name!r} -> {p.expected}" for p in result.missed]
    return lines
