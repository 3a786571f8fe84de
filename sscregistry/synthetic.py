"""Deterministic synthetic data at scale, for benchmarks and scale tests.

At scale 1: 20,000 partners, 100,000 partnerships (about 10 % drafts) with about 300,000
participations, 10,000 people, 50,000 events over 20 years in many time zones and 50,000
publications with their language versions. Names use several scripts. Search terms are planted at
known frequencies (see PLANTED_TERMS) so benchmarks can ask for rare, common and misspelled terms.
Every generated record's slug starts with `gen-`, so the set can be replaced or removed.
"""

from __future__ import annotations

import datetime
import random
import re
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pgtrigger
from django.apps import apps
from django.db import connection, models, transaction
from django.utils import timezone

from events.models import Event, EventOrganiser
from partnerships.models import Participation, Partner, Partnership, Person
from registry.workflow import Status
from reports.models import LanguageVersion, Publication, PublicationOrganisation
from vocabularies.models import Country, Platform, Theme

GENERATED_PREFIX = "gen-"

# Planted terms: (word, share of partnerships whose summary contains it). The word never occurs
# otherwise, so a search for it has a known number of hits.
PLANTED_TERMS = {
    "rare": ("hydroponics", 0.0001),
    "medium": ("geothermal", 0.01),
    "common": ("resilience", 0.20),
}
# Misspellings planted in 0.1 % of partnerships, and the correct word a search should suggest.
PLANTED_MISSPELLINGS = {"agroforestery": "agroforestry", "desalinaton": "desalination"}

TIMEZONES = [
    "Africa/Kigali",
    "Africa/Nairobi",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Johannesburg",
    "Africa/Dakar",
    "America/Argentina/Buenos_Aires",
    "America/Sao_Paulo",
    "America/Bogota",
    "America/Mexico_City",
    "America/New_York",
    "America/Lima",
    "Asia/Kolkata",
    "Asia/Jakarta",
    "Asia/Shanghai",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Riyadh",
    "Asia/Tehran",
    "Asia/Kathmandu",
    "Europe/Rome",
    "Europe/Zurich",
    "Europe/Oslo",
    "Europe/Moscow",
    "Pacific/Fiji",
    "Pacific/Auckland",
    "Australia/Sydney",
    "UTC",
]

NAME_PARTS = {
    "latin": (
        ["Fundación", "Instituto", "Coopération", "Centro", "Agência", "Réseau", "Consorcio", "Alliance"],
        [
            "para el Desarrollo",
            "de Coopération Sud-Sud",
            "de São Paulo",
            "Andino",
            "Sahélien",
            "do Nordeste",
            "pour l'Économie Verte",
            "de Energía Limpia",
            "for Rural Innovation",
        ],
    ),
    "cyrillic": (
        ["Фонд", "Институт", "Агентство", "Центр", "Ассоциация"],
        ["развития", "сотрудничества", "устойчивой энергетики", "Юг-Юг", "зелёной экономики"],
    ),
    "arabic": (
        ["مؤسسة", "مركز", "وكالة", "شبكة", "معهد"],
        ["التنمية", "التعاون جنوب-جنوب", "الطاقة المتجددة", "الأمن الغذائي", "المياه"],
    ),
    "chinese": (
        ["发展", "南南合作", "绿色经济", "农业", "可再生能源"],
        ["研究中心", "基金会", "合作署", "协会", "研究院"],
    ),
}
SCRIPT_WEIGHTS = [("latin", 70), ("cyrillic", 10), ("arabic", 10), ("chinese", 10)]

TOPICS = [
    "climate adaptation",
    "food security",
    "renewable energy",
    "digital public goods",
    "health systems",
    "water management",
    "trade facilitation",
    "financial inclusion",
    "education exchange",
    "disaster risk reduction",
    "urban mobility",
    "biodiversity",
    "green economy",
    "fisheries",
    "vaccine production",
    "smallholder agriculture",
    "statistics capacity",
    "youth employment",
]
VERBS = ["Strengthening", "Scaling up", "Sharing", "Building", "Accelerating", "Financing", "Linking"]
LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh", "pt"]


@dataclass
class Progress:
    """Prints one line per batch: what, how many so far, and the rate."""

    write: Callable[[str], None]
    started: dict[str, float] = field(default_factory=dict)

    def __call__(self, label: str, done: int, total: int) -> None:
        started = self.started.setdefault(label, time.monotonic())
        elapsed = max(time.monotonic() - started, 1e-6)
        self.write(f"{label}: {done:,} of about {total:,} rows ({done / elapsed:,.0f} rows/s)")


def _batched(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Generator:
    def __init__(self, *, scale: float, seed: int, write: Callable[[str], None], batch_size: int = 5000):
        self.scale = scale
        # Synthetic data, reproducible on purpose: not for security.
        self.rng = random.Random(seed)  # nosec B311
        self.progress = Progress(write)
        self.batch_size = batch_size
        self.now = timezone.now()
        self.counts: dict[str, int] = {}

    def n(self, base: int) -> int:
        return max(1, round(base * self.scale))

    def insert(self, model: type[models.Model], rows: Iterator[models.Model], total: int, label: str) -> None:
        done = 0
        self.progress.started[label] = time.monotonic()
        for batch in _batched(rows, self.batch_size):
            model._default_manager.bulk_create(batch, batch_size=self.batch_size)
            done += len(batch)
            self.progress(label, done, total)
        self.counts[label] = self.counts.get(label, 0) + done

    def status(self) -> tuple[str, datetime.datetime | None]:
        if self.rng.random() < 0.10:
            return self.rng.choice([Status.DRAFT, Status.IN_REVIEW]), None
        return Status.PUBLISHED, self.now

    def name(self) -> str:
        script = self.rng.choices([s for s, _ in SCRIPT_WEIGHTS], [w for _, w in SCRIPT_WEIGHTS])[0]
        first, second = NAME_PARTS[script]
        return f"{self.rng.choice(first)} {self.rng.choice(second)}"

    def ids(self, model: type[models.Model]) -> list[int]:
        return list(
            model._default_manager.filter(slug__startswith=GENERATED_PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def run(self) -> dict[str, int]:
        countries = list(Country.objects.order_by("code").values_list("code", flat=True))
        platforms = list(Platform.objects.order_by("pk").values_list("pk", flat=True))
        themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True))

        partner_total = self.n(20_000)

        def partners() -> Iterator[Partner]:
            for i in range(partner_total):
                status, published_at = self.status()
                name = self.name()
                yield Partner(
                    name=f"{name} {i}",
                    acronym=f"G{i:05d}" if i % 3 == 0 else "",
                    slug=f"{GENERATED_PREFIX}partner-{i}",
                    organisation_type_id=self.rng.choice(["10", "21", "22", "40", "60", "70", "80", "90"]),
                    country_id=self.rng.choice(countries),
                    description=f"Works on {self.rng.choice(TOPICS)}.",
                    status=status,
                    published_at=published_at,
                )

        self.insert(Partner, partners(), partner_total, "partners")
        partner_ids = self.ids(Partner)

        people_total = self.n(10_000)

        def people() -> Iterator[Person]:
            for i in range(people_total):
                status, published_at = self.status()
                yield Person(
                    name=f"{self.name()} {i}",
                    slug=f"{GENERATED_PREFIX}person-{i}",
                    position=self.rng.choice(["Director", "Adviser", "Minister", "Researcher"]),
                    affiliation_id=self.rng.choice(partner_ids),
                    status=status,
                    published_at=published_at,
                )

        self.insert(Person, people(), people_total, "people")

        partnership_total = self.n(100_000)
        planted = {
            word: set(self.rng.sample(range(partnership_total), max(1, round(partnership_total * share))))
            for word, share in PLANTED_TERMS.values()
        }
        misspelled = {
            word: set(self.rng.sample(range(partnership_total), max(1, round(partnership_total * 0.001))))
            for word in PLANTED_MISSPELLINGS
        }

        def partnerships() -> Iterator[Partnership]:
            for i in range(partnership_total):
                status, published_at = self.status()
                topic = self.rng.choice(TOPICS)
                extra = [w for w, rows in planted.items() if i in rows]
                extra += [w for w, rows in misspelled.items() if i in rows]
                start = datetime.date(2000, 1, 1) + datetime.timedelta(days=self.rng.randrange(9500))
                end = start + datetime.timedelta(days=self.rng.randrange(200, 3000)) if i % 2 else None
                yield Partnership(
                    title=f"{self.rng.choice(VERBS)} {topic} cooperation {i}",
                    slug=f"{GENERATED_PREFIX}partnership-{i}",
                    summary=" ".join([f"South-South partnership on {topic}.", *extra]),
                    description=f"Partners share knowledge on {topic} and {self.rng.choice(TOPICS)}.",
                    activity_status_id=self.rng.choice(["1", "2", "2", "2", "3", "4"]),
                    start_date=start,
                    end_date=end,
                    status=status,
                    published_at=published_at,
                )

        self.insert(Partnership, partnerships(), partnership_total, "partnerships")
        partnership_ids = self.ids(Partnership)

        def participations() -> Iterator[Participation]:
            for pid in partnership_ids:
                for partner_id in self.rng.sample(partner_ids, min(len(partner_ids), self.rng.randint(1, 5))):
                    yield Participation(
                        partnership_id=pid,
                        partner_id=partner_id,
                        role_id=self.rng.choice(["1", "2", "3", "4"]),
                        triangular_role=self.rng.choice(["", "", "beneficiary", "pivotal", "facilitating"]),
                    )

        self.insert(Participation, participations(), len(partnership_ids) * 3, "participations")

        def links(through: Any, left: str, right: str, choices: list[Any], low: int, high: int) -> Iterator:
            for pid in partnership_ids:
                for value in self.rng.sample(choices, min(len(choices), self.rng.randint(low, high))):
                    yield through(**{left: pid, right: value})

        for field_name, choices, low, high in [
            ("platforms", platforms, 0, 2),
            ("sdgs", list(range(1, 18)), 1, 3),
            ("countries", countries, 1, 3),
            ("themes", themes, 0, 2),
            ("modalities", ["south_south", "triangular", "north_south", "multi_stakeholder"], 1, 2),
        ]:
            through = getattr(Partnership, field_name).through
            right = getattr(Partnership, field_name).field.m2m_reverse_field_name() + "_id"
            self.insert(
                through,
                links(through, "partnership_id", right, choices, low, high),
                len(partnership_ids) * (low + high) // 2,
                f"partnership {field_name}",
            )

        event_total = self.n(50_000)

        def events() -> Iterator[Event]:
            for i in range(event_total):
                status, published_at = self.status()
                zone = self.rng.choice(TIMEZONES)
                day = datetime.date(2007, 1, 1) + datetime.timedelta(days=self.rng.randrange(7300))
                start = datetime.datetime.combine(
                    day, datetime.time(self.rng.randint(7, 16)), tzinfo=zoneinfo.ZoneInfo(zone)
                )
                all_day = i % 5 == 0
                yield Event(
                    title=f"{self.rng.choice(['Forum', 'Webinar', 'Expo', 'Dialogue', 'Summit'])} on "
                    f"{self.rng.choice(TOPICS)} {i}",
                    slug=f"{GENERATED_PREFIX}event-{i}",
                    event_type=self.rng.choice([c for c, _ in Event.Type.choices]),
                    start=start,
                    end=start + datetime.timedelta(hours=self.rng.choice([2, 4, 8, 48])),
                    timezone=zone,
                    all_day=all_day,
                    city=self.rng.choice(["Kigali", "Nairobi", "Buenos Aires", "Jakarta", "Dakar", "Online"]),
                    country_id=self.rng.choice(countries),
                    attendance_mode=self.rng.choice(["in_person", "online", "hybrid"]),
                    event_status=self.rng.choices(
                        ["scheduled", "cancelled", "postponed", "moved_online"], [90, 4, 3, 3]
                    )[0],
                    status=status,
                    published_at=published_at,
                )

        self.insert(Event, events(), event_total, "events")
        event_ids = self.ids(Event)

        def organisers() -> Iterator[EventOrganiser]:
            for eid in event_ids:
                for partner_id in self.rng.sample(partner_ids, min(len(partner_ids), self.rng.randint(1, 2))):
                    yield EventOrganiser(event_id=eid, partner_id=partner_id, role="organiser")

        self.insert(EventOrganiser, organisers(), int(len(event_ids) * 1.5), "event organisers")

        publication_total = self.n(50_000)

        def publications() -> Iterator[Publication]:
            for i in range(publication_total):
                status, published_at = self.status()
                yield Publication(
                    title=f"{self.rng.choice(['Report', 'Case study', 'Brief', 'Review'])} on "
                    f"{self.rng.choice(TOPICS)} {i}",
                    slug=f"{GENERATED_PREFIX}publication-{i}",
                    publication_type=self.rng.choice([c for c, _ in Publication.Type.choices]),
                    publication_date=datetime.date(2005, 1, 1)
                    + datetime.timedelta(days=self.rng.randrange(7700)),
                    summary=f"Lessons on {self.rng.choice(TOPICS)}.",
                    status=status,
                    published_at=published_at,
                )

        self.insert(Publication, publications(), publication_total, "publications")
        publication_ids = self.ids(Publication)

        def versions() -> Iterator[LanguageVersion]:
            for pid in publication_ids:
                for n, language in enumerate(self.rng.sample(LANGUAGES, self.rng.randint(1, 3))):
                    yield LanguageVersion(
                        publication_id=pid,
                        language_id=language,
                        title=f"Version {language} {pid}",
                        is_original=n == 0,
                    )

        self.insert(LanguageVersion, versions(), len(publication_ids) * 2, "language versions")

        def publishers() -> Iterator[PublicationOrganisation]:
            for pid in publication_ids:
                yield PublicationOrganisation(
                    publication_id=pid, partner_id=self.rng.choice(partner_ids), role="publisher"
                )

        self.insert(PublicationOrganisation, publishers(), len(publication_ids), "publication organisations")
        return self.counts


def delete_generated() -> None:
    """Remove every generated record (slugs starting with `gen-`) and what hangs off them."""
    from registry.signals import disconnected

    # Generated records link only to each other, so no other record's search document changes, and
    # none of them is curators' work: no signals (which rewrote documents row by row) and no history.
    with transaction.atomic(), pgtrigger.ignore(), disconnected():
        for model in (Publication, Event, Partnership, Person):
            model.objects.filter(slug__startswith=GENERATED_PREFIX).delete()
        Partner.objects.filter(slug__startswith=GENERATED_PREFIX).delete()


# A synthetic record's title and summary with their numbers taken out: records that differ only by
# their number, dates and places ("Share water cooperation 17", "... 18") share one embedding.
_NUMBERS = re.compile(r"\d+")


def _shared_text(record: Any) -> str:
    own = ". ".join(part for part in (record.translated("title"), record.translated("summary")) if part)
    return _NUMBERS.sub("#", own)


def embed_generated(write: Callable[[str], None], batch: int = 64) -> None:
    """Embed the generated records, each distinct text once (`_shared_text`): the benchmarks' records
    are many variations of few texts. The stored hash is of each record's own text (what the task
    worker would embed), so the worker leaves them be; their vectors are their shared text's."""
    from registry import embeddings
    from registry.search import search_documents

    if not embeddings.enabled():
        return
    for document in search_documents():
        model = apps.get_model(document.model)
        started = time.monotonic()
        texts: dict[str, list[tuple[int, str]]] = {}
        links = [f.name for f in model._meta.concrete_fields if f.many_to_one]
        records = model.objects.filter(slug__startswith=GENERATED_PREFIX).select_related(*links)
        for record in records.iterator(chunk_size=2000):
            text = embeddings.record_text(record)
            texts.setdefault(_shared_text(record), []).append((record.pk, text))
        shared = list(texts)
        for start in range(0, len(shared), batch):
            chunk = shared[start : start + batch]
            vectors = embeddings.embed("passage", chunk)
            rows = [
                (pk, text, vector)
                for key, vector in zip(chunk, vectors, strict=True)
                for pk, text in texts[key]
            ]
            for part in range(0, len(rows), 5000):
                embeddings.store(model, rows[part : part + 5000])
        count = sum(len(records) for records in texts.values())
        write(
            f"embeddings of {document.model}: {count:,} records, {len(shared):,} distinct texts, "
            f"in {time.monotonic() - started:.1f} s"
        )


def generate(*, scale: float, seed: int, write: Callable[[str], None], embed: bool = True) -> dict[str, int]:
    """Generate the data set in one transaction, then refresh the planner's statistics."""
    from registry.facets import refresh_tokens, tokens_deferred
    from registry.search import search_documents, search_index_update

    # Synthetic rows are not curators' work: no history rows and no version bumps for them. The
    # triggers would otherwise write a second row for every row inserted (and again for the search
    # documents' update), which made scale 1 take many times longer. The registry's change stamp is
    # still bumped at commit: its trigger ignores pgtrigger.ignore() (registry/signals.py).
    with transaction.atomic(), pgtrigger.ignore():
        with tokens_deferred():
            counts = Generator(scale=scale, seed=seed, write=write).run()
        # The planner's statistics still describe the tables as they were before (perhaps empty):
        # without fresh ones, the search documents' joins run as nested loops over every row.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # The facet tokens of every generated record at once (deferred above).
        for document in search_documents():
            model = apps.get_model(document.model)
            started = time.monotonic()
            if refresh_tokens(model, model.objects.filter(slug__startswith=GENERATED_PREFIX)):
                write(f"facet tokens of {document.model} in {time.monotonic() - started:.1f} s")
        # bulk_create bypasses the signals that keep search documents current.
        for document in search_documents():
            label = document.model
            model = apps.get_model(label)
            started = time.monotonic()
            written = search_index_update(
                model, model.objects.filter(slug__startswith=GENERATED_PREFIX).values("pk")
            )
            write(f"search documents of {label}: {written:,} rows in {time.monotonic() - started:.1f} s")
        if embed:
            embed_generated(write)
    with connection.cursor() as cursor:
        # VACUUM sets the visibility map and hint bits a fresh load lacks (cold hybrid searches took
        # twice as long at scale 1 without it). It cannot run inside a transaction (a test's).
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return counts
