"""The registry's search, on PostgreSQL's own machinery.

Every searchable record (partnership, partner, event, publication) stores two things, written here
and nowhere else:

- `search_vector`: a weighted `tsvector` in the `sscregistry` text search configuration (English
  stemming on accent-free words, created by a migration), built from the record's own text and the
  names of what it is linked to (a partnership's partners, their acronyms and alternative names,
  platforms, themes, countries...). Queries use `websearch_to_tsquery`, so visitors can write
  `"quoted phrases"`, `OR` and `-excluded` words. A GIN index answers them.
- `search_text`: the same text lower-cased and unaccented. Its words fill the vocabulary of
  spelling suggestions (`SearchWord`, a trigram index over short words). When full text finds
  nothing, each word of the query is replaced by its most similar vocabulary words
  (`pg_trgm` similarity at least `SEARCH_TRIGRAM_THRESHOLD`) until a respelling finds published
  records (`Kigli` -> Kigali); that respelling runs as full text, and the outcome says so.

Only published linked records enter a document, so searching for a draft partner's name finds
nothing. Each app registers its documents (`SearchDocument`, in `<app>/search.py`);
`registry.signals` derives from them the receivers that call `search_index_update()` whenever a
record or something in its document changes; `manage.py rebuild_search_index` rebuilds everything
(after bulk SQL or imports that bypass signals).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
from django.db import connections, models, router
from django.db.models import F, Func, OuterRef, Subquery, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Concat, Length, Lower
from django.utils import translation

from registry.cache import record_set_key, registry_cached
from registry.workflow import Status

SEARCH_CONFIG = "sscregistry"
# The longest `q` accepted: enough for any real query, short enough to keep plans cheap.
MAX_QUERY_LENGTH = 200

PUBLISHED = Status.PUBLISHED


class Unaccent(Func):
    """Accents removed, by the immutable wrapper of unaccent() that a migration creates, so that
    the planner folds a query's text into a constant the trigram index can use."""

    function = "sscregistry_unaccent"
    output_field = models.TextField()


def joined(queryset: models.QuerySet, expression: Any) -> Func:
    """Every value of `expression` over the rows of `queryset`, joined by spaces (one subquery)."""
    values = queryset.annotate(_text=expression).values("_text")
    return Func(
        ArraySubquery(values), Value(" "), function="array_to_string", output_field=models.TextField()
    )


def translated(field: str, labels: Iterable[str]) -> Func:
    """The other interface languages' names of a vocabulary entry whose English `field` is one of
    `labels`, from the site's translation catalogues: "Coopération Sud-Sud Cooperación Sur-Sur" for
    "South-South cooperation". In a document, they let a French or Spanish visitor's words find the
    records linked to it. A catalogue's change reaches the documents with
    `manage.py rebuild_search_index`."""
    return _Translations(Value(_translations(tuple(labels))), F(field))


class _Translations(Func):
    """`'{"South-South cooperation": "Coopération Sud-Sud ..."}'::jsonb ->> name`, or '': one
    parameter, where a CASE of a hundred labels cost more to build than the UPDATE it is in."""

    template = "COALESCE((%(expressions)s), '')"
    arg_joiner = "::jsonb ->> "
    output_field = models.TextField()


@functools.cache
def _translations(labels: tuple[str, ...]) -> str:
    """(label, its names in the other interface languages) for each label that has any; read once
    per process (a document is built on every save)."""
    languages = [code for code, _name in settings.LANGUAGES if code != "en"]
    found: dict[str, str] = {}
    for label in dict.fromkeys(labels):
        names: list[str] = []
        for language in languages:
            with translation.override(language):
                name = translation.gettext(label)
            if name != label and name not in names:
                names.append(name)
        if names:
            found[label] = " ".join(names)
    return json.dumps(found, ensure_ascii=False)


def name_of(model: type[models.Model], foreign_key: str, field: str | Any = "name") -> Subquery:
    """The `field` (a name or an expression) of the row a foreign key points at (UPDATE cannot
    join, so a subquery)."""
    rows = model._default_manager.filter(pk=OuterRef(foreign_key))
    if not isinstance(field, str):
        rows, field = rows.annotate(_value=field), "_value"
    return Subquery(rows.values(field)[:1])


def name_and_acronym(prefix: str = "") -> Concat:
    return Concat(F(f"{prefix}name"), Value(" "), F(f"{prefix}acronym"), output_field=models.TextField())


def array_text(field: str) -> Func:
    """A text array column's values, joined by spaces."""
    return Func(F(field), Value(" "), function="array_to_string", output_field=models.TextField())


@dataclass(frozen=True)
class SearchDocument:
    """How one searchable model's document is written, and what else changes it.

    Each app registers its documents with `register_document()` (in its `search.py`, imported by
    its AppConfig.ready()), as NetBox's apps do with `register_search`; the core never names them.

    - `model`: the record model's label, "app_label.modelname";
    - `weights(apps)`: the document's text by weight, A (names) > B (context) > C (body), as
      expressions over the record (`apps` may be a migration's historical registry);
    - `parts`: part model label -> the part's attribute naming the record (a participation's
      `partnership_id`): saving or deleting a part rewrites that record's document;
    - `vocabularies`: vocabulary model label -> lookup from the record: renaming an entry rewrites
      the documents of the records linked to it;
    - `many_to_many`: the record's many-to-many fields whose entries enter the document;
    - `quotes`: another record model's label -> lookup from this record to it: a change to such a
      record (a partner's name, a person's name) rewrites the documents that quote it.
    """

    model: str
    weights: Callable[[Any], dict[str, list[Any]]]
    parts: Mapping[str, str] = field(default_factory=dict)
    vocabularies: Mapping[str, str] = field(default_factory=dict)
    many_to_many: tuple[str, ...] = ()
    quotes: Mapping[str, str] = field(default_factory=dict)


_DOCUMENTS: dict[str, SearchDocument] = {}
# The current models' documents, by model label, built once (see _documents).
_BUILT: dict[str, dict[str, list[Any]]] = {}


def register_document(document: SearchDocument) -> SearchDocument:
    """Make `document.model` searchable and connect the receivers that keep its documents current
    (idempotent: a second registration replaces the first)."""
    from . import signals  # noqa: PLC0415 (signals reads the documents registered here)

    _DOCUMENTS[document.model] = document
    _BUILT.pop(document.model, None)
    signals.connect()
    return document


def search_documents() -> list[SearchDocument]:
    """Every registered search document, in registration order."""
    return list(_DOCUMENTS.values())


def _documents(label: str, apps: Any) -> dict[str, list[Any]]:
    try:
        document = _DOCUMENTS[label]
    except KeyError:
        raise ValueError(f"{label} is not searchable") from None
    if apps is not global_apps:
        return document.weights(apps)  # a migration's models: built for it alone
    # Built once per process: Django copies an expression (and clones a subquery's query) each time
    # a query uses it, so one set serves every save.
    if document.model not in _BUILT:
        _BUILT[document.model] = document.weights(apps)
    return _BUILT[document.model]


def search_index_update(
    model: type[models.Model], pks: Iterable[Any] | models.QuerySet | None = None, *, apps: Any = global_apps
) -> int:
    """Rewrite the stored search document of `model`'s rows `pks` (all rows when None).

    `pks` may be a queryset of primary keys, so dependents are updated in one statement. Works with
    historical models too (`apps` from a migration). Returns the number of rows written.
    """
    label = model._meta.label_lower
    documents = _documents(label, apps)
    vector: SearchVector | CombinedExpression | None = None
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
    written = rows.update(search_vector=vector, search_text=text)
    _remember_words(model, rows, apps)
    return written


# Words shorter than this are not worth suggesting; longer than the column are not words.
WORD_LENGTHS = (3, 60)


def _remember_words(model: type[models.Model], rows: models.QuerySet, apps: Any) -> None:
    """Add the words of `rows`' documents to the vocabulary of spelling suggestions (SearchWord)."""
    try:
        words = apps.get_model("registry", "SearchWord")
    except LookupError:
        return  # a migration older than the vocabulary: its own migration fills it
    alias = router.db_for_write(model)
    quote = connections[alias].ops.quote_name
    ids_sql, params = rows.values("pk").query.sql_with_params()
    # Table and column names come from the models; the values are parameters.
    sql = (
        f"INSERT INTO {quote(words._meta.db_table)} (word) "  # nosec B608
        "SELECT DISTINCT word FROM ("
        "  SELECT regexp_split_to_table(search_text, '[^[:alnum:]]+') AS word"
        f"  FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({ids_sql})"
        ") AS words WHERE char_length(word) BETWEEN %s AND %s "
        "ON CONFLICT DO NOTHING"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, (*params, *WORD_LENGTHS))


def search_index_rebuild(apps: Any = global_apps) -> dict[str, int]:
    """Rewrite every searchable record's document; returns the rows written per model."""
    return {
        document.model: search_index_update(apps.get_model(document.model), apps=apps)
        for document in search_documents()
    }


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
    terms: list[str] = []
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

    Which of the two answers, and the spelling tried, is cached until the registry's next write
    for the same records and query (`registry_cached`): a repeated search then sends only its
    page's queries, not the existence checks and the vocabulary lookup again.
    """
    query = query.strip()
    tsquery = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    found = queryset.filter(search_vector=tsquery).annotate(
        search_rank=SearchRank(F("search_vector"), tsquery)
    )
    if mode == SearchOutcome.FULLTEXT:
        return found, SearchOutcome(query, SearchOutcome.FULLTEXT)
    if mode is None:
        decided, respelt = _decision(queryset, found, query)
        if decided == SearchOutcome.FULLTEXT:
            return found, SearchOutcome(query, SearchOutcome.FULLTEXT)
    else:
        respelt = _spelling(queryset, query)
    if respelt is None:
        # Nothing, as a query that still compiles (facets and counts embed it as a subquery).
        nothing = queryset.filter(pk__isnull=True).annotate(search_rank=Value(0.0))
        return nothing, SearchOutcome(query, SearchOutcome.FUZZY)
    corrected = SearchQuery(respelt, search_type="websearch", config=SEARCH_CONFIG)
    similar = queryset.filter(search_vector=corrected).annotate(
        search_rank=SearchRank(F("search_vector"), corrected)
    )
    return similar, SearchOutcome(query, SearchOutcome.FUZZY, None if mode else respelt)


def _decision(queryset: models.QuerySet, found: models.QuerySet, query: str) -> tuple[str, str | None]:
    """How `query` is answered among `queryset`: (mode, spelling tried), cached until the next write."""

    def decide() -> tuple[str, str | None]:
        if found.exists():
            return SearchOutcome.FULLTEXT, None
        if not plain_terms(query):
            return SearchOutcome.FULLTEXT, None
        return SearchOutcome.FUZZY, _spelling(queryset, query)

    records = record_set_key(queryset)
    if records is None:
        return decide()  # a queryset that matches nothing: no SQL to name it by
    parts = ("search", queryset.db, records, query)
    return registry_cached(parts, decide)


def _spelling(queryset: models.QuerySet, query: str) -> str | None:
    """`query` with its words respelt so that it finds records in `queryset`; None if none does."""
    terms = plain_terms(query)
    if not terms:
        return None
    return _respelt(queryset, [_closest_words(term) for term in terms])


# How many spellings are tried for a one-word query, most similar first.
CANDIDATES = 5


def _closest_words(term: str) -> list[str]:
    """The vocabulary's words most like `term` (pg_trgm similarity at least the setting), best first."""
    from registry.models import SearchWord  # noqa: PLC0415 (models import this module)

    wanted = Unaccent(Lower(Value(term)))
    return list(
        # An expression as the second argument, as Django allows (the stubs say str).
        SearchWord.objects.annotate(similarity=TrigramSimilarity("word", wanted))  # type: ignore[arg-type]
        .filter(word__trigram_similar=wanted, similarity__gte=settings.SEARCH_TRIGRAM_THRESHOLD)
        .order_by("-similarity", Length("word"), "word")
        .values_list("word", flat=True)[:CANDIDATES]
    )


def _respelt(queryset: models.QuerySet, candidates: list[list[str]]) -> str | None:
    """The query with each word replaced by its closest spelling that finds records in `queryset`.

    A one-word query tries its candidates in turn; a longer one takes each word's best. None when
    nothing found: the suggestion must find published records, or it would show words of drafts.
    """
    if not all(candidates):
        return None
    tries = candidates[0] if len(candidates) == 1 else [" ".join(words[0] for words in candidates)]
    for respelt in tries:
        query = SearchQuery(respelt, search_type="websearch", config=SEARCH_CONFIG)
        if queryset.filter(search_vector=query).exists():
            return respelt
    return None


def order_by_relevance(queryset: models.QuerySet) -> models.QuerySet:
    """Best matches first; ties keep the model's own order, which always ends with the id."""
    return queryset.order_by("-search_rank", *queryset.model._meta.ordering)
