"""The registry's search, on PostgreSQL's own machinery.

Every searchable record (partnership, partner, event, publication) stores two things, written here
and nowhere else:

- `search_vector`: a weighted `tsvector` in the `sscregistry` text search configuration (English
  stemming on accent-free words, created by a migration), built from the record's own text and the
  names of what it is linked to (a partnership's partners, their acronyms and alternative names,
  platforms, themes, countries...). Queries use `websearch_to_tsquery`, so visitors can write
  `"quoted phrases"`, `OR` and `-excluded` words. A GIN index answers them.
- `search_text`: the same text lower-cased and unaccented, with a trigram GIN index. When full text
  finds nothing, strict trigram word similarity (the `%>>` operator, whole words only) finds records
  despite typos (`Kigli` -> Kigali) and the outcome says so, with a suggested spelling. Its threshold
  is `pg_trgm.strict_word_similarity_threshold`, which settings.py sets on every connection.

Only published linked records enter a document, so searching for a draft partner's name finds
nothing. `partnerships.signals` calls `search_index_update()` whenever a record or something in its
document changes; `manage.py rebuild_search_index` rebuilds everything (after bulk SQL or imports
that bypass signals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramStrictWordSimilarity,
)
from django.db import models
from django.db.models import F, Func, OuterRef, Subquery, Value
from django.db.models.functions import Concat, Lower

from .base import Status

SEARCH_CONFIG = "sscregistry"
# The longest `q` accepted: enough for any real query, short enough to keep plans cheap.
MAX_QUERY_LENGTH = 200

PUBLISHED = Status.PUBLISHED


class Unaccent(Func):
    """Accents removed, by the immutable wrapper of unaccent() that a migration creates, so that
    the planner folds a query's text into a constant the trigram index can use."""

    function = "sscregistry_unaccent"
    output_field = models.TextField()


def _joined(queryset: models.QuerySet, expression: Any) -> Func:
    """Every value of `expression` over the rows of `queryset`, joined by spaces (one subquery)."""
    values = queryset.annotate(_text=expression).values("_text")
    return Func(
        ArraySubquery(values), Value(" "), function="array_to_string", output_field=models.TextField()
    )


def _name_of(model: type[models.Model], foreign_key: str, field: str = "name") -> Subquery:
    """The `field` of the row a foreign key points at (UPDATE cannot join, so a subquery)."""
    return Subquery(model.objects.filter(pk=OuterRef(foreign_key)).values(field)[:1])


def _name_and_acronym(prefix: str = "") -> Concat:
    return Concat(F(f"{prefix}name"), Value(" "), F(f"{prefix}acronym"), output_field=models.TextField())


def _documents(label: str, apps: Any) -> dict[str, list[Any]]:
    """The text of a record's search document by weight: A (names) > B (context) > C (body)."""
    get = apps.get_model
    if label == "partnerships.partnership":
        participations = get("partnerships", "Participation").objects.filter(
            partnership=OuterRef("pk"), partner__status=PUBLISHED
        )
        alternative_names = get("partnerships", "PartnerName").objects.filter(
            partner__participations__partnership=OuterRef("pk"), partner__status=PUBLISHED
        )
        linked = {
            name: get("partnerships", model).objects.filter(partnerships=OuterRef("pk"))
            for name, model in [
                ("platforms", "Platform"),
                ("themes", "Theme"),
                ("countries", "Country"),
                ("regions", "Region"),
                ("sdgs", "SustainableDevelopmentGoal"),
                ("targets", "SDGTarget"),
            ]
        }
        modalities = get("partnerships", "Modality").objects.filter(partnership=OuterRef("pk"))
        return {
            "A": [F("title"), _joined(participations, _name_and_acronym("partner__"))],
            "B": [
                F("summary"),
                _joined(alternative_names, F("name")),
                _joined(linked["platforms"], F("name")),
                _joined(linked["themes"], F("name")),
                _joined(
                    linked["countries"],
                    Concat(F("name"), Value(" "), F("name_fr"), Value(" "), F("name_es")),
                ),
                _joined(linked["regions"], F("name")),
                _joined(modalities, F("name")),
                _joined(linked["sdgs"], F("short_title")),
                _joined(linked["targets"], F("code")),
            ],
            "C": [F("objective"), F("description")],
        }
    if label == "partnerships.partner":
        names = get("partnerships", "PartnerName").objects.filter(partner=OuterRef("pk"))
        return {
            "A": [F("name"), F("acronym")],
            "B": [
                _joined(names, F("name")),
                _name_of(get("partnerships", "OrganisationType"), "organisation_type_id"),
                _name_of(get("partnerships", "Country"), "country_id"),
            ],
            "C": [F("description")],
        }
    if label == "events.event":
        organisers = get("events", "EventOrganiser").objects.filter(
            event=OuterRef("pk"), partner__status=PUBLISHED
        )
        themes = get("partnerships", "Theme").objects.filter(events=OuterRef("pk"))
        return {
            "A": [F("title"), F("short_title")],
            "B": [
                F("theme"),
                F("venue"),
                F("city"),
                _name_of(get("partnerships", "Country"), "country_id"),
                _joined(organisers, _name_and_acronym("partner__")),
                _joined(themes, F("name")),
                Func(
                    F("document_symbols"),
                    Value(" "),
                    function="array_to_string",
                    output_field=models.TextField(),
                ),
            ],
            "C": [F("description"), F("schedule_note")],
        }
    if label == "reports.publication":
        versions = get("reports", "LanguageVersion").objects.filter(publication=OuterRef("pk"))
        organisations = get("reports", "PublicationOrganisation").objects.filter(
            publication=OuterRef("pk"), partner__status=PUBLISHED
        )
        authors = get("reports", "Authorship").objects.filter(
            publication=OuterRef("pk"), person__status=PUBLISHED
        )
        themes = get("partnerships", "Theme").objects.filter(publications=OuterRef("pk"))
        return {
            "A": [F("title"), _joined(versions, F("title"))],
            "B": [
                _name_of(get("reports", "Series"), "series_id"),
                _joined(organisations, _name_and_acronym("partner__")),
                _joined(authors, F("person__name")),
                _joined(themes, F("name")),
                F("document_symbol"),
            ],
            "C": [F("summary")],
        }
    raise ValueError(f"{label} is not searchable")


SEARCHABLE = ("partnerships.partnership", "partnerships.partner", "events.event", "reports.publication")


def search_index_update(
    model: type[models.Model], pks: Iterable[Any] | models.QuerySet | None = None, *, apps: Any = global_apps
) -> int:
    """Rewrite the stored search document of `model`'s rows `pks` (all rows when None).

    `pks` may be a queryset of primary keys, so dependents are updated in one statement. Works with
    historical models too (`apps` from a migration). Returns the number of rows written.
    """
    label = model._meta.label_lower
    documents = _documents(label, apps)
    vector = None
    for weight, parts in documents.items():
        part = SearchVector(*parts, config=SEARCH_CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    everything = [part for parts in documents.values() for part in parts]
    text = Unaccent(
        Lower(Func(Value(" "), *everything, function="concat_ws", output_field=models.TextField()))
    )
    rows = model._default_manager.all()
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return rows.update(search_vector=vector, search_text=text)


def search_index_rebuild(apps: Any = global_apps) -> dict[str, int]:
    """Rewrite every searchable record's document; returns the rows written per model."""
    return {label: search_index_update(apps.get_model(label), apps=apps) for label in SEARCHABLE}


@dataclass(frozen=True)
class SearchOutcome:
    """How a query was answered: by full text, or by trigram similarity with a suggested spelling."""

    query: str
    mode: str  # "fulltext" or "fuzzy"
    suggestion: str | None = None

    FULLTEXT = "fulltext"
    FUZZY = "fuzzy"

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "mode": self.mode, "suggestion": self.suggestion}


_OPERATOR_WORDS = {"or", "and"}


def plain_terms(query: str) -> list[str]:
    """The words a web-search query asks for, without quotes, `OR` and `-excluded` words."""
    terms = []
    for token in query.replace('"', " ").split():
        if token.startswith("-") or token.lower() in _OPERATOR_WORDS:
            continue
        terms.extend(word for word in re.split(r"[^\w]+", token) if word)
    return terms


def search(
    queryset: models.QuerySet, query: str, *, mode: str | None = None
) -> tuple[models.QuerySet, SearchOutcome]:
    """Filter `queryset` to the records matching `query`, annotated with `search_rank`.

    Full text first; when it finds nothing among `queryset`, trigram word similarity (and the
    outcome carries a suggested spelling). `mode` forces one of the two, so that facet counts
    follow the mode the result list used without asking again.
    """
    query = query.strip()
    tsquery = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    found = queryset.filter(search_vector=tsquery).annotate(
        search_rank=SearchRank(F("search_vector"), tsquery)
    )
    if mode == SearchOutcome.FULLTEXT or (mode is None and found.exists()):
        return found, SearchOutcome(query, SearchOutcome.FULLTEXT)
    terms = plain_terms(query)
    if not terms:
        return found, SearchOutcome(query, SearchOutcome.FULLTEXT)
    wanted = Unaccent(Value(" ".join(terms).lower()))
    similar = queryset.filter(search_text__trigram_strict_word_similar=wanted).annotate(
        search_rank=TrigramStrictWordSimilarity(wanted, "search_text")
    )
    if mode == SearchOutcome.FUZZY:
        return similar, SearchOutcome(query, SearchOutcome.FUZZY)
    return similar, SearchOutcome(query, SearchOutcome.FUZZY, _suggestion(similar, wanted))


def _suggestion(similar: models.QuerySet, wanted: Func) -> str | None:
    """The query respelt with the closest words of the best matches, or None if nothing matched."""
    rows = list(
        similar.annotate(_wanted=wanted).order_by("-search_rank").values_list("search_text", "_wanted")[:5]
    )
    if not rows:
        return None
    vocabulary = {word for text, _ in rows for word in re.findall(r"\w+", text)}
    respelt = []
    for term in rows[0][1].split():
        best = max(vocabulary, key=lambda word: (trigram_similarity(term, word), -abs(len(word) - len(term))))
        respelt.append(best if trigram_similarity(term, best) >= 0.3 else term)
    suggestion = " ".join(respelt)
    return suggestion if suggestion != rows[0][1] else None


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() of two words: shared trigrams over all trigrams."""
    ta, tb = _trigrams(a), _trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta or tb else 0.0


def order_by_relevance(queryset: models.QuerySet) -> models.QuerySet:
    """Best matches first; ties keep the model's own order, which always ends with the id."""
    return queryset.order_by("-search_rank", *queryset.model._meta.ordering)
