"""The registry's search, on PostgreSQL's own machinery.

Every searchable record (partnership, partner, event, publication) stores two things, written here
and nowhere else:

- `search_vector`: a weighted `tsvector` built from the record's own text and the names of what it
  is linked to (a partnership's partners, their acronyms and alternative names, platforms, themes,
  countries...), read in English (the `sscregistry` configuration: English stemming on accent-free
  words), again in the record's own language's configuration, and with each of its translations
  in theirs (`text_search_sql`, run by the core's migration). Queries are read in every
  configuration at once (`TextQuery`), so visitors can write `"quoted phrases"`, `OR` and
  `-excluded` words in any language. A GIN index answers them.
- `search_text`: the same text lower-cased and unaccented. Its words fill the vocabulary of
  spelling suggestions (`SearchWord`, a trigram index over short words). When full text finds
  nothing, each word of the query is replaced by its most similar vocabulary words
  (`pg_trgm` similarity at least `SEARCH_TRIGRAM_THRESHOLD`) until a respelling finds published
  records (`Kigli` -> Kigali); that respelling runs as full text, and the outcome says so.

Then the records nearest in meaning (`registry.embeddings`) join the matches, and the two rankings
are fused (`fused_ranking`, reciprocal rank fusion), exact names first: docs/search.md.

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
from dataclasses import dataclass, field, replace
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramSimilarity,
)
from django.db import connections, models, router
from django.db.models import Case, F, Func, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Length, Lower
from django.utils import translation

from registry.cache import record_set_key, registry_cached
from registry.shapes import AnyOf
from registry.workflow import Status

SEARCH_CONFIG = "sscregistry"

# The PostgreSQL stemmer of each content language that has one (ISO 639-1 code -> snowball
# dictionary); every other language is indexed word by word ('simple'). Each gets a configuration
# `sscregistry_<stemmer>`: that language's stemming on unaccented words, hyphenated words indexed
# by their parts, as `sscregistry` does for English (created by registry's migration).
STEMMERS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "es": "spanish",
    "fi": "finnish",
    "fr": "french",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}


def text_search_config(language: str) -> str:
    """The text search configuration of a content language: 'sscregistry' for English."""
    if language == "en":
        return SEARCH_CONFIG
    return f"sscregistry_{STEMMERS.get(language, 'simple')}"


def text_search_configs() -> list[str]:
    """Every configuration a query is read in: English first, then each stemmer's, then 'simple'."""
    return [SEARCH_CONFIG, *sorted({text_search_config(code) for code in STEMMERS}), "sscregistry_simple"]


def text_search_sql() -> tuple[list[Any], list[Any]]:
    """(create, drop) SQL for the per-language configurations and the two functions documents
    use: `sscregistry_config(language)` and `sscregistry_translations_vector(translations)`."""
    create: list[Any] = []
    drop: list[Any] = []
    for stemmer in sorted(set(STEMMERS.values())) + ["simple"]:
        name = f"sscregistry_{stemmer}"
        dictionary = "simple" if stemmer == "simple" else f"{stemmer}_stem"
        create += [
            f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{stemmer})",
            f"ALTER TEXT SEARCH CONFIGURATION {name}"
            f" ALTER MAPPING FOR word, hword_part WITH unaccent, {dictionary}",
            f"ALTER TEXT SEARCH CONFIGURATION {name} DROP MAPPING FOR hword, asciihword",
        ]
        drop.insert(0, f"DROP TEXT SEARCH CONFIGURATION {name}")
    cases = " ".join(f"WHEN '{code}' THEN '{text_search_config(code)}'" for code in sorted(STEMMERS))
    create += [
        "CREATE FUNCTION sscregistry_config(language text) RETURNS regconfig"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        f" AS $$ SELECT (CASE language WHEN 'en' THEN '{SEARCH_CONFIG}' {cases}"
        " ELSE 'sscregistry_simple' END)::regconfig $$",
        # Each translation's title (weight A) and summary (weight C), in its language's configuration.
        "CREATE FUNCTION sscregistry_translations_vector(translations jsonb) RETURNS tsvector"
        " LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$"
        " DECLARE result tsvector := ''; entry record;"
        " BEGIN"
        "  IF jsonb_typeof(translations) IS DISTINCT FROM 'object' THEN RETURN result; END IF;"
        "  FOR entry IN SELECT key, value FROM jsonb_each(translations)"
        "   WHERE jsonb_typeof(value) = 'object' LOOP"
        "   result := result"
        "    || setweight(to_tsvector(sscregistry_config(entry.key),"
        "       COALESCE(entry.value ->> 'title', '')), 'A')"
        "    || setweight(to_tsvector(sscregistry_config(entry.key),"
        "       COALESCE(entry.value ->> 'summary', '')), 'C');"
        "  END LOOP;"
        "  RETURN result;"
        " END $$",
        "CREATE FUNCTION sscregistry_translations_text(translations jsonb) RETURNS text"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        " AS $$ SELECT COALESCE(string_agg(part.value, ' '), '') FROM jsonb_each(CASE WHEN"
        " jsonb_typeof(translations) = 'object' THEN translations ELSE '{}'::jsonb END) AS language,"
        " jsonb_each_text(CASE WHEN jsonb_typeof(language.value) = 'object' THEN language.value"
        " ELSE '{}'::jsonb END) AS part $$",
    ]
    configs = ", ".join(f"'{config}'" for config in dict.fromkeys(text_search_configs()))
    create.append(
        # A query's readings in every configuration, each once ("mangrove" is 'mangrov' in most).
        "CREATE FUNCTION sscregistry_tsquery(query text) RETURNS tsquery"
        " LANGUAGE sql IMMUTABLE PARALLEL SAFE"
        " AS $$ SELECT COALESCE(string_agg(DISTINCT '(' || reading || ')', ' | '), '')::tsquery FROM ("
        "  SELECT websearch_to_tsquery(config, query)::text AS reading"
        f"  FROM unnest(ARRAY[{configs}]::regconfig[]) AS config) AS readings WHERE reading <> '' $$"  # nosec B608
    )
    drop = [
        "DROP FUNCTION sscregistry_tsquery(text)",
        "DROP FUNCTION sscregistry_translations_text(jsonb)",
        "DROP FUNCTION sscregistry_translations_vector(jsonb)",
        "DROP FUNCTION sscregistry_config(text)",
        *drop,
    ]
    return create, drop


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


def in_own_language(queryset: models.QuerySet, language: str, text: str, weight: str) -> Func:
    """A vector of `text` over the rows of `queryset` (a record's parts), each row read in the
    configuration of its own `language` (a code): one subquery, for `SearchDocument.own_languages`."""
    vectors = queryset.annotate(
        _vector=Cast(
            Func(
                Func(F(language), function="sscregistry_config"),
                _spaced(F(text)),
                function="to_tsvector",
                output_field=SearchVectorField(),
            ),
            models.TextField(),
        )
    ).values("_vector")
    return Func(
        Cast(
            Func(
                ArraySubquery(vectors),
                Value(" "),
                function="array_to_string",
                output_field=models.TextField(),
            ),
            SearchVectorField(),
        ),
        Value(weight),
        function="setweight",
        output_field=SearchVectorField(),
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
      record (a partner's name, a person's name) rewrites the documents that quote it;
    - `exact`: lookups of the names a visitor may type whole (a title, an acronym, an identifier,
      alternative names): a record whose value is the query ranks first;
    - `own_languages(apps)`: vectors of parts read in each part's own language (`in_own_language`),
      such as a publication's Russian version's title in Russian.
    """

    model: str
    weights: Callable[[Any], dict[str, list[Any]]]
    parts: Mapping[str, str] = field(default_factory=dict)
    vocabularies: Mapping[str, str] = field(default_factory=dict)
    many_to_many: tuple[str, ...] = ()
    quotes: Mapping[str, str] = field(default_factory=dict)
    exact: tuple[str, ...] = ()
    own_languages: Callable[[Any], list[Any]] | None = None


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


# "BAPA+40" is read as the words "bapa" and "40" in documents and queries alike (PostgreSQL's
# parser would read "+40" as a signed number, which the query "BAPA 40" never meets).
_JOINED_NUMBER = (r"([[:alnum:]])\+([[:digit:]])", r"\1 \2")
_JOINED_NUMBER_PY = re.compile(r"(\w)\+(\d)")


def _spaced(part: Any) -> Func:
    return Func(
        part,
        Value(_JOINED_NUMBER[0]),
        Value(_JOINED_NUMBER[1]),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def normalise_query(query: str) -> str:
    """A visitor's query as documents are indexed: "BAPA+40" as "BAPA 40"."""
    return _JOINED_NUMBER_PY.sub(r"\1 \2", query.strip())


class TextQuery(SearchQuery):
    """A web-search query read in every content language's configuration, any reading matching
    (`sscregistry_tsquery()`, created by registry's migration, which drops repeated readings): a
    French visitor's "coopération" meets French stems, an English visitor's "cooperation" English
    ones."""

    def __init__(self, value: str, *, invert: bool = False) -> None:
        Func.__init__(self, Value(value), output_field=SearchQueryField())
        self.config = None
        self.invert = invert
        self.search_type = "websearch"

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> Any:
        sql, params = Func.as_sql(
            self,
            compiler,
            connection,
            function="sscregistry_tsquery",
            template="%(function)s(%(expressions)s)",
        )
        return (f"!!({sql})" if self.invert else sql), params


_EXCLUDED = re.compile(r'(?:^|(?<=\s))-("[^"]*"|[^\s"]+)')


def text_query(query: str) -> SearchQuery:
    """`query` (web-search syntax) as a full-text query over every language: the words it asks for
    in any language's reading, and none of its `-excluded` words in any reading."""
    excluded = [match.group(1) for match in _EXCLUDED.finditer(query)]
    wanted = _EXCLUDED.sub(" ", query).strip()
    combined: SearchQuery | None = TextQuery(wanted) if wanted else None
    if excluded:
        refused = TextQuery(" OR ".join(excluded), invert=True)
        combined = refused if combined is None else combined & refused
    return combined if combined is not None else TextQuery("")


def search_index_update(
    model: type[models.Model], pks: Iterable[Any] | models.QuerySet | None = None, *, apps: Any = global_apps
) -> int:
    """Rewrite the stored search document of `model`'s rows `pks` (all rows when None).

    `pks` may be a queryset of primary keys, so dependents are updated in one statement. Works with
    historical models too (`apps` from a migration). Returns the number of rows written.
    """
    label = model._meta.label_lower
    documents = {
        weight: [_spaced(part) for part in parts] for weight, parts in _documents(label, apps).items()
    }
    # Read in English (the registry's shared language, whose stemmer most names meet), again in
    # the record's own language when it is another, and each translation in its language.
    own_config = Func(F("language"), function="sscregistry_config")
    vector: Any = None
    own: Any = None
    for weight, parts in documents.items():
        part = SearchVector(*parts, config=SEARCH_CONFIG, weight=weight)
        vector = part if vector is None else vector + part
        own_part = SearchVector(*parts, config=own_config, weight=weight)
        own = own_part if own is None else own + own_part
    # An English record's own reading is the English one: indexed once.
    own = Case(
        When(language="en", then=Value("", output_field=SearchVectorField())),
        default=own,
        output_field=SearchVectorField(),
    )
    document = _DOCUMENTS[label]
    parts_in_own_languages = document.own_languages(apps) if document.own_languages else []
    vector = Func(
        vector,
        own,
        Func(F("translations"), function="sscregistry_translations_vector"),
        *parts_in_own_languages,
        template="(%(expressions)s)",
        arg_joiner=" || ",
        output_field=SearchVectorField(),
    )
    everything = [part for parts in documents.values() for part in parts]
    everything.append(Func(F("translations"), function="sscregistry_translations_text"))
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
    """How a query was answered: by full text, or by trigram similarity with a suggested spelling
    (`mode`), and which retrievals found its records (`modes`: "fulltext" or "fuzzy", and "vector"
    when embeddings of the records' type answered too)."""

    query: str
    mode: str  # "fulltext" or "fuzzy"
    suggestion: str | None = None
    modes: tuple[str, ...] = field(default=(), compare=False)
    # The best record's fused score: how well this type answered, beside other types' answers.
    top_score: float = field(default=0.0, compare=False)

    FULLTEXT = "fulltext"
    FUZZY = "fuzzy"
    VECTOR = "vector"

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "mode": self.mode,
            "suggestion": self.suggestion,
            "modes": list(self.modes or (self.mode,)),
        }


# Retrievals a search may use (`search(..., retrieval=...)`): the registry answers with HYBRID;
# the other two exist for `manage.py evaluate_search`, which compares them.
HYBRID = "hybrid"
RETRIEVALS = (SearchOutcome.FULLTEXT, SearchOutcome.VECTOR, HYBRID)

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
    queryset: models.QuerySet, query: str, *, mode: str | None = None, retrieval: str = HYBRID
) -> tuple[models.QuerySet, SearchOutcome]:
    """Filter `queryset` to the records matching `query`, annotated with `search_rank`.

    Full text first; when it finds nothing among `queryset`, trigram word similarity (and the
    outcome carries a suggested spelling). `mode` forces one of the two, so that facet counts
    follow the mode the result list used without asking again.

    Then, unless `retrieval` says otherwise, the records nearest in meaning (sentence embeddings,
    `registry.embeddings`): the few nearest, within `SEARCH_VECTOR_MAX_DISTANCE`, join the
    matches, so "économie verte" finds an English record on the green economy, and the two
    rankings are fused by reciprocal rank fusion (`fused_ranking`). A record whose name, acronym,
    title or identifier is exactly the query ranks first.

    Which of the two answers, the spelling tried and the fused ranking are cached until the
    registry's next write for the same records and query (`registry_cached`): a repeated search then
    sends only its page's queries.
    """
    typed, query = query.strip(), normalise_query(query)
    if retrieval == SearchOutcome.VECTOR:
        return _ranked(queryset, query, None, None, retrieval, SearchOutcome(query, SearchOutcome.VECTOR))
    outcome = SearchOutcome(query, SearchOutcome.FULLTEXT)
    text: str | None = query
    nearest = _Nearest(queryset, query, retrieval)
    decided: Ranking | None = None  # the ranking that decided full text answers, reused for it
    if mode == SearchOutcome.FUZZY:
        text = _spelling(queryset, query)
        outcome = SearchOutcome(query, SearchOutcome.FUZZY)
    elif mode is None and plain_terms(query):
        decided = fused_ranking(queryset, query, query, retrieval, nearest, typed=typed)
    if decided is not None and not decided.text and not nearest.ids():
        # Neither full text nor meaning found anything: its words respelt, as the vocabulary knows
        # them. (A query in another language is answered by meaning, not by respelling its words.)
        text, decided = _cached_spelling(queryset, query), None
        outcome = SearchOutcome(query, SearchOutcome.FUZZY, text)
    # A forced mode is a facet's count of the list's matches: the same records, no ranking needed.
    return _ranked(
        queryset,
        query,
        text,
        outcome.mode,
        retrieval,
        outcome,
        nearest,
        ranked=mode is None,
        typed=typed,
        ranking=decided,
    )


class _Nearest:
    """The published records of `queryset`'s type nearest to `query` in meaning (`nearest_records`),
    read once however many times one search needs them. The same for every queryset of the type,
    so that a list and each of its facets count the same near records."""

    def __init__(self, queryset: models.QuerySet, query: str, retrieval: str) -> None:
        # What the query means: its words, without the excluded ones (they filter, below).
        self.queryset, self.query, self.retrieval = queryset, meaning(query), retrieval
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            wanted = self.retrieval != SearchOutcome.FULLTEXT and self.query
            self._ids = nearest_records(self.queryset.model, self.query) if wanted else []
        return self._ids


def meaning(query: str) -> str:
    """A web-search query as words to embed: without `-excluded` words, quotes and `OR`."""
    return " ".join(word for word in _EXCLUDED.sub(" ", query).replace('"', " ").split() if word != "OR")


def excluded_words(query: str) -> SearchQuery | None:
    """The full-text query of a query's `-excluded` words in any language, or None."""
    excluded = [match.group(1) for match in _EXCLUDED.finditer(query)]
    return TextQuery(" OR ".join(excluded)) if excluded else None


def _ranked(
    queryset: models.QuerySet,
    query: str,
    text: str | None,
    text_mode: str | None,
    retrieval: str,
    outcome: SearchOutcome,
    nearest: _Nearest | None = None,
    *,
    ranked: bool = True,
    typed: str | None = None,
    ranking: Ranking | None = None,
) -> tuple[models.QuerySet, SearchOutcome]:
    """`queryset`'s records that the full text of `text` (None: no words to look for) or the
    embeddings nearest to `query` find, best first by the fused ranking."""
    text_rank: Any = Value(0.0)
    matches = models.Q(pk__isnull=True)  # nothing, as a query that still compiles (facets embed it)
    if text is not None:
        tsquery = text_query(text)
        matches = models.Q(search_vector=tsquery)
        # Normalised (rank / (rank + 1)) to stay below the fused ranks, which count from 1.
        text_rank = Func(
            F("search_vector"),
            tsquery,
            template="ts_rank(%(expressions)s, 32)",
            output_field=models.FloatField(),
        )
    nearest = nearest or _Nearest(queryset, query, retrieval)
    refused = excluded_words(query)
    if not ranked:
        near = nearest.ids()
        if near:
            matches |= models.Q(AnyOf("pk", near))
        if refused is not None:
            matches &= ~models.Q(search_vector=refused)  # "water -desalination" by meaning too
        modes = tuple(m for m in (text_mode if text else None, SearchOutcome.VECTOR if near else None) if m)
        outcome = SearchOutcome(outcome.query, outcome.mode, outcome.suggestion, modes)
        return queryset.filter(matches).annotate(search_rank=text_rank), outcome
    if ranking is None:
        ranking = fused_ranking(queryset, query, text, retrieval, nearest, typed=typed)
    modes = tuple(
        m for m in (text_mode if text else None, SearchOutcome.VECTOR if ranking.nearest else None) if m
    )
    outcome = SearchOutcome(outcome.query, outcome.mode, outcome.suggestion, modes)
    rank: Any = text_rank
    if ranking.order:
        # The fused head, as one array: it also filters (every id in it is a match), so that a
        # cached ranking's key (the WHERE clause) names every value the order reads.
        matches |= models.Q(AnyOf("pk", ranking.order))
        position = Func(
            Value(list(ranking.order)),
            F("pk"),
            template="array_position(%(expressions)s)",
            arg_joiner="::bigint[], ",
            output_field=models.FloatField(),
        )
        # 2 for the first of the fused head, falling towards 1 for its last; full text below.
        fused = Func(
            position,
            template=f"(2.0 - %(expressions)s::float8 / {len(ranking.order) + 1})",
            output_field=models.FloatField(),
        )
        rank = Coalesce(fused, text_rank, output_field=models.FloatField())
    if refused is not None:
        matches &= ~models.Q(search_vector=refused)  # "water -desalination" by meaning too
    outcome = replace(outcome, top_score=ranking.top_score)
    return queryset.filter(matches).annotate(search_rank=rank), outcome


@dataclass(frozen=True)
class Ranking:
    """The head of a search's ranking: `order`, the record ids best first (exact names, then by
    reciprocal rank fusion of full text and embeddings); `text`, those full text found (its best
    FUSED_DEPTH), and `nearest`, those the embeddings found."""

    order: list[int]
    text: list[int]
    nearest: list[int]
    top_score: float = 0.0  # the first one's fused score (above 1 for an exact name)


# RRF's constant (Cormack et al., 2009): a record's fused score is the sum of 1 / (k + its rank)
# in each ranking it appears in.
RRF_K = 60
# How many of the full-text ranking's best are fused; the rest follow by their full-text rank.
FUSED_DEPTH = 100


def fused_ranking(
    queryset: models.QuerySet,
    query: str,
    text: str | None,
    retrieval: str,
    nearest: _Nearest | None = None,
    *,
    typed: str | None = None,
) -> Ranking:
    """The fused head of the ranking among `queryset` of the full text of `text` and the records
    nearest to `query` (see `Ranking`), cached until the registry's next write."""

    def compute() -> Ranking:
        text_ids: list[int] = []
        text_ranks: dict[int, float] = {}
        if text is not None and retrieval != SearchOutcome.VECTOR:
            tsquery = text_query(text)
            text_ranks = dict(
                queryset.filter(search_vector=tsquery)
                .annotate(relevance=SearchRank(F("search_vector"), tsquery))
                .order_by("-relevance", "pk")
                .values_list("pk", "relevance")[:FUSED_DEPTH]
            )
            text_ids = list(text_ranks)
        near = (nearest or _Nearest(queryset, query, retrieval)).ids()
        scores: dict[int, float] = {}
        for ranking in (text_ids, near):
            for position, pk in enumerate(ranking, start=1):
                scores[pk] = scores.get(pk, 0.0) + 1.0 / (RRF_K + position)
        # Ties (a record first in both rankings scores 2 / 61 in any type) go to the better text
        # match: its ts_rank, squashed below the gap between two fused positions.
        for pk, text_rank in text_ranks.items():
            scores[pk] += 1e-6 * text_rank / (1 + text_rank)
        # As typed ("BAPA+40") and as searched ("BAPA 40").
        for pk in exact_matches(queryset, {query, typed or query}, list(scores)):
            scores[pk] += 1.0  # above every fused score, which stays below 2 / (k + 1)
        order = sorted(scores, key=lambda pk: (-scores[pk], pk))
        return Ranking(order, text_ids, near, scores[order[0]] if order else 0.0)

    records = record_set_key(queryset)
    if records is None:
        return Ranking([], [], [])
    return registry_cached(("fused", queryset.db, records, query, typed, text, retrieval), compute)


def nearest_records(model: type[models.Model], query: str) -> list[int]:
    """The ids of `model`'s published records nearest in meaning to `query`, nearest first, at most
    SEARCH_VECTOR_NEIGHBOURS (registry.embeddings.nearest), cached until the next write."""
    from . import embeddings  # noqa: PLC0415 (embeddings reads the documents registered here)

    def compute() -> list[int]:
        candidates = embeddings.nearest(model, query)
        if not candidates:
            return []
        ids = [pk for pk, _distance in candidates]
        published = model._default_manager.published().filter(pk__in=ids)  # type: ignore[attr-defined]
        shown = set(published.values_list("pk", flat=True))
        # Distances are measured among published records alone: a draft never widens the reach.
        return embeddings.within_reach([row for row in candidates if row[0] in shown])

    return registry_cached(("nearest", model._meta.label_lower, query), compute)


def exact_matches(queryset: models.QuerySet, queries: Iterable[str], among: list[int]) -> list[int]:
    """Of the records `among`, those whose name, acronym, title or identifier (the document's
    `exact` fields, or a translation's title) is one of `queries`, ignoring case and accents."""
    document = _DOCUMENTS.get(queryset.model._meta.label_lower)
    if document is None or not among or not document.exact:
        return []
    condition = models.Q()
    for query in queries:
        wanted = query.strip().strip('"').strip()
        if not wanted:
            continue
        for lookup in document.exact:
            condition |= models.Q(**{f"{lookup}__unaccent__iexact": wanted})
        # A translation's title in any language, accents and case aside.
        condition |= models.Q(_TranslatedTitleIs(F("translations"), Value(wanted)))
    if not condition:
        return []
    return list(queryset.filter(condition, pk__in=among).values_list("pk", flat=True).distinct())


class _TranslatedTitleIs(Func):
    """Whether one of the translations' titles (a jsonb column) is the text, case and accents aside."""

    output_field = models.BooleanField()

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **kwargs: Any) -> Any:
        column, column_params = compiler.compile(self.source_expressions[0])
        text, text_params = compiler.compile(self.source_expressions[1])
        # The column and the placeholder come from Django's compiler; the text is a parameter.
        sql = (
            f"EXISTS (SELECT 1 FROM jsonb_each(CASE WHEN jsonb_typeof({column}) = 'object' THEN {column}"
            " ELSE '{}'::jsonb END) AS t WHERE jsonb_typeof(t.value) = 'object' AND"
            f" sscregistry_unaccent(lower(t.value ->> 'title')) = sscregistry_unaccent(lower({text})))"  # nosec B608
        )
        return sql, [*column_params, *column_params, *text_params]


def _cached_spelling(queryset: models.QuerySet, query: str) -> str | None:
    """`_spelling`, cached until the registry's next write."""
    records = record_set_key(queryset)
    if records is None:
        return None
    # "" stands for "no spelling finds anything" in the cache, where None means "not cached".
    found = registry_cached(
        ("spelling", queryset.db, records, query), lambda: _spelling(queryset, query) or ""
    )
    return found or None


def _spelling(queryset: models.QuerySet, query: str) -> str | None:
    """`query` with its words respelt so that it finds records in `queryset`; None if none does."""
    terms = plain_terms(query)
    if not terms or len(terms) > MAX_RESPELT_WORDS:
        return None
    candidates = []
    for term in terms:
        closest = _closest_words(term)
        if not closest:
            return None  # one word the vocabulary cannot respell: no respelling finds anything
        candidates.append(closest)
    return _respelt(queryset, candidates)


# A longer query is not respelt (each word costs a trigram lookup, and so many slips are no typo).
MAX_RESPELT_WORDS = 8


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
        if queryset.filter(search_vector=text_query(respelt)).exists():
            return respelt
    return None


def order_by_relevance(queryset: models.QuerySet) -> models.QuerySet:
    """Best matches first; ties keep the model's own order, which always ends with the id."""
    return queryset.order_by("-search_rank", *queryset.model._meta.ordering)
