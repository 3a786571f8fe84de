"""Record shapes: one declaration per record type of what the public sees of it, read from
`values()` rows and relation batches, from which the API's JSON lists and details, its CSV export
and the bulk dump's columns are all produced.

A shape is a list of fields. Each field names once the columns of the record's row it reads (its
`values()` paths) or the relation batch it reads (a query keyed by the records' ids), and says how
it shows in JSON, in the API's CSV and in the dump. The record's slug, its addresses and its two
stamps are the shape's own: every record type has them in the same places.

How the rows are read is the same for every shape: one query for the page (or a chunk of an
export), and one query per relation for all the page's records, keyed by their ids, compiled once
per process and sent to the database as one batch. No model instance or serializer field is built:
a list page through a serializer built an instance for every row and every prefetched relation.

This module is the core: it knows no record type. Kinds of field that only some record types need
(participants, sources) live beside those types (`partnerships/shapes.py`).
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, cast

import psycopg
from django.conf import settings
from django.db import connections, models, router
from django.db.models import F, Func, Subquery, Value
from django.db.models.functions import Cast
from django.urls import reverse as django_reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.reverse import reverse as drf_reverse

from registry.workflow import Status

Row = dict[str, Any]
Entries = Sequence[tuple]  # a record's rows of one relation, without the parent id
# Builds a relation query from the parents' ids (see rows_for_ids).
Build = Callable[[list[Any]], models.QuerySet]


# Addresses.

# Slugs that reverse() would write as they are (no percent-encoding). Others go through reverse().
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_MARKER = "leanslugmarker"


def slug_url_builder(build: Callable[[str], str]) -> Callable[[str], str]:
    """`build(slug)` for any slug, from one call: the URL around a marker slug, split in two.

    A slug that reverse() would encode, or a URL in which the marker is not found exactly once,
    falls back to calling `build` itself.
    """
    sample = build(_MARKER)
    if sample.count(_MARKER) != 1:
        return build
    head, _, tail = sample.partition(_MARKER)

    def url(slug: str) -> str:
        return head + slug + tail if _PLAIN_SLUG.fullmatch(slug) else build(slug)

    return url


def api_url_builder(request: Request, view_name: str, format: str | None = None) -> Callable[[str], str]:
    """A record's API address from its slug, as DRF's HyperlinkedIdentityField writes it."""
    return slug_url_builder(
        lambda slug: drf_reverse(view_name, kwargs={"slug": slug}, request=request, format=format)
    )


def web_url_builder(site: str, view_name: str) -> Callable[[str], str]:
    """A record's page (its get_absolute_url()) from its slug, after `site` (no trailing slash)."""
    return slug_url_builder(lambda slug: site + django_reverse(view_name, kwargs={"slug": slug}))


# Relation batches.


class AnyOf(Func):
    """`column = ANY(%s)` with the values as one array parameter: a page's or a chunk's ids, however
    many, without a placeholder (and a lookup object) per id as `column__in=ids` makes."""

    output_field = models.BooleanField()

    def __init__(self, column: str, values: Iterable[Any] | Subquery) -> None:
        # A subquery (an ArraySubquery) is the array itself; anything else is a list of values.
        array = values if isinstance(values, Subquery) else Value(list(values))
        super().__init__(F(column), array)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> tuple[str, list[Any]]:
        column, column_params = compiler.compile(self.source_expressions[0])
        values, values_params = compiler.compile(self.source_expressions[1])
        return f"{column} = ANY({values})", [*column_params, *values_params]


@dataclass(frozen=True)
class Relation:
    """A relation read for many records at once: `build(ids)` is a `values_list()` query whose
    first column is the parent record's id, in the order the record shows its entries. `key` names
    everything else the query depends on (its SQL is compiled once under it)."""

    key: Hashable
    build: Build = field(compare=False, hash=False)


def many_to_many(model: type[models.Model], name: str, *fields: str, **target: Any) -> Relation:
    """The entries of a many-to-many field, `fields` of each linked entry, in the linked model's
    own order (as a prefetch gives them), from the link table. `target`: filters on the linked
    entries (`status="published"`)."""

    def build(ids: list[Any]) -> models.QuerySet:
        relation = cast(models.ManyToManyField, model._meta.get_field(name))
        through = cast(type[models.Model], relation.remote_field.through)
        linked_model = cast(type[models.Model], relation.related_model)
        source, linked = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        ordering = [
            f"-{linked}__{key[1:]}" if key.startswith("-") else f"{linked}__{key}"
            for key in linked_model._meta.ordering or ()
        ]
        links = through._default_manager.filter(AnyOf(f"{source}_id", ids))
        if target:
            links = links.filter(**{f"{linked}__{key}": value for key, value in target.items()})
        return links.order_by(*ordering, "pk").values_list(
            f"{source}_id", *(f"{linked}__{f}" for f in fields)
        )

    key = ("many_to_many", model._meta.label, name, fields, tuple(sorted(target.items())))
    return Relation(key, build)


def grouped(rows: Iterable[tuple]) -> dict[Any, list[tuple]]:
    """`{parent id: [rest, ...]}` from `(parent id, *rest)` tuples, keeping their order."""
    result: dict[Any, list[tuple]] = defaultdict(list)
    for parent, *rest in rows:
        result[parent].append(tuple(rest))
    return result


# The SQL of each relation query, compiled once per process and database alias (see rows_for_ids).
_compiled: dict[tuple[Hashable, str], tuple[str, list[Any], int] | None] = {}
_models: dict[Hashable, type[models.Model]] = {}
_IDS_MARKER = ["shape-ids-marker"]


def rows_for_ids(relation: Relation, ids: list[Any]) -> list[tuple]:
    """`list(relation.build(ids))`, with its SQL compiled once per process.

    Building and compiling a relation query cost about as much Python as running it: a list page
    runs ten of them. A query whose compiled parameters do not hold the ids exactly once, or whose
    columns need converting from the database's values (what values_list() would do), is built
    every time instead.
    """
    model = _models.get(relation.key)
    if model is None:
        queryset = relation.build(list(ids))
        _models[relation.key] = queryset.model
        return list(queryset)
    using = router.db_for_read(model)
    prepared = _prepared(relation, ids, using)
    if prepared is None:
        return list(relation.build(list(ids)))
    with connections[using].cursor() as cursor:
        cursor.execute(*prepared)
        return cursor.fetchall()


def rows_for_ids_together(relations: Sequence[Relation], ids: list[Any]) -> list[list[tuple]]:
    """`rows_for_ids(relation, ids)` for each relation, sent to the database as one batch of
    statements: one round trip instead of one per relation (nine for a partnership page).

    Needs client-side binding (psycopg's ClientCursor, Django's default): with server-side binding
    a query cannot hold several statements, and each query runs on its own.
    """
    known = [_models[relation.key] for relation in relations if relation.key in _models]
    if not known:
        return [rows_for_ids(relation, ids) for relation in relations]
    using = router.db_for_read(known[0])  # replicas hold the same rows: one of them answers all
    prepared = [_prepared(r, ids, using) if r.key in _models else None for r in relations]
    batch = [statement for statement in prepared if statement is not None]
    results: list[list[tuple] | None] = [None] * len(relations)
    if len(batch) > 1:
        with connections[using].cursor() as cursor:
            if isinstance(cursor.cursor, psycopg.ClientCursor):
                cursor.execute(
                    ";\n".join(sql for sql, _ in batch), [p for _, params in batch for p in params]
                )
                for index, statement in enumerate(prepared):
                    if statement is not None:
                        results[index] = cursor.fetchall()
                        cursor.nextset()
    return [
        result if result is not None else rows_for_ids(relation, ids)
        for result, relation in zip(results, relations, strict=True)
    ]


def _prepared(relation: Relation, ids: list[Any], using: str) -> tuple[str, list[Any]] | None:
    """The SQL and parameters of `relation.build(ids)` on database `using`, compiled once per
    process; None when the query cannot be run from its SQL alone (see rows_for_ids)."""
    if (relation.key, using) not in _compiled:
        _compiled[relation.key, using] = _compile(relation.build(list(_IDS_MARKER)), using)
    compiled = _compiled[relation.key, using]
    if compiled is None:
        return None
    sql, params, position = compiled
    return sql, [*params[:position], list(ids), *params[position + 1 :]]


def _compile(queryset: models.QuerySet, using: str) -> tuple[str, list[Any], int] | None:
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    positions = [index for index, value in enumerate(params) if value == _IDS_MARKER]
    if len(positions) != 1 or compiler.get_converters([column for column, _, _ in compiler.select]):
        return None
    return sql, list(params), positions[0]


# Types: what the OpenAPI schema says of each JSON value (registry/openapi.py writes the schema).


@dataclass(frozen=True, kw_only=True)
class Schema:
    """The type of a JSON value. `null`: it may be null; `help`: its description in the schema."""

    null: bool = False
    help: str = ""

    def nullable(self, help: str = "") -> Schema:
        """This type, or null."""
        return replace(self, null=True, help=help or self.help)


@dataclass(frozen=True)
class Stored(Schema):
    """A value as a model field stores it: the schema gives the field's type, length, choices and
    help text. `model`: None for the record's own model."""

    column: str
    model: type[models.Model] | None = None


@dataclass(frozen=True)
class Plain(Schema):
    """A plain JSON value, computed rather than read from one model field: `kind` is text, slug,
    uri, date, date-time, integer or boolean."""

    kind: str = "text"


@dataclass(frozen=True)
class ListOf(Schema):
    """A list of values of one type."""

    item: Schema


@dataclass(frozen=True)
class Object(Schema):
    """A JSON object with its properties' types, one component of the schema (`name`), and the
    maker of such objects: `make(*values)`, with the properties' values in order, answers the dict
    (`CODE_NAME.make("BR", "Brazil")`)."""

    name: str
    properties: tuple[tuple[str, Schema], ...] = ()
    keys: tuple[str, ...] = field(init=False, compare=False, repr=False)
    # As fast as a dict literal, which it is (a list page makes hundreds of these objects).
    make: Callable[..., dict[str, Any]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        keys = tuple(key for key, _ in self.properties)
        if not all(type(key) is str for key in keys):
            raise TypeError(f"{self.name}: property names must be strings")
        arguments = [f"v{index}" for index in range(len(keys))]
        literal = ", ".join(f"{key!r}: {argument}" for key, argument in zip(keys, arguments, strict=True))
        object.__setattr__(self, "keys", keys)
        # Compiled from its source, as namedtuple and dataclasses make their methods. The source
        # holds only generated argument names and repr() of str keys from the code's own shapes,
        # never input, so eval here runs nothing but that literal.
        source = f"lambda {', '.join(arguments)}: {{{literal}}}"
        object.__setattr__(self, "make", eval(source))  # nosec B307

    @classmethod
    def of(cls, name: str, /, **properties: Schema) -> Object:
        return cls(name, tuple(properties.items()))


TEXT = Plain()
SLUG = Plain(kind="slug")
URI = Plain(kind="uri")
INTEGER = Plain(kind="integer")

# Objects that every record type shows: vocabulary entries and linked records.
CODE_NAME = Object.of("CodeName", code=TEXT, name=TEXT)
SLUG_NAME = Object.of("SlugName", slug=SLUG, name=TEXT)
# A record's similar records (its details' `similar`): published ones of its type, nearest in meaning.
SIMILAR_RECORD = Object.of(
    "SimilarRecord", slug=SLUG, name=TEXT, url=URI, web_url=URI.nullable("Its page on the site.")
)


# Fields.


class Context:
    """What a request gives every field's JSON: the record addresses and the date formats."""

    def __init__(self, request: Request, shape: RecordShape, format: str | None = None) -> None:
        self.request = request
        self.api_url = api_url_builder(request, shape.api_view, format=format)
        site = request.build_absolute_uri("/").rstrip("/")
        self.web_url = web_url_builder(site, shape.web_view) if shape.web_view else None
        # DRF's own date and time fields (time zone, format), called without the rest.
        self.date = serializers.DateField().to_representation
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        self.datetime = serializers.DateTimeField(default_timezone=zone).to_representation


# A field's JSON value, from the record's row and its entries of the field's relation.
JsonValue = Callable[[Row, Entries, Context], Any]


@dataclass(frozen=True)
class Cell:
    """One column of the API's CSV export: its header and its value for a record."""

    header: str
    value: Callable[[Row, Entries], Any]


@dataclass(frozen=True)
class DumpColumn:
    """One column of the bulk dump: its name, Frictionless type and meaning, and its value (a list
    when `many`: an array in JSON Lines, values joined by "; " in CSV)."""

    name: str
    type: str
    description: str
    value: Callable[[Row, Entries], Any]
    many: bool = False
    item_type: str = "string"


@dataclass(frozen=True)
class Field:
    """One public field of a record: the columns of the record's row it reads, or the relation it
    reads, how it shows in each output, and its type in the OpenAPI schema. `json=None` keeps it
    out of the JSON (and the schema); no `csv` cells or `dump` columns keep it out of those."""

    name: str
    columns: tuple[str, ...] = ()
    relation: Relation | None = None
    json: JsonValue | None = None
    csv: tuple[Cell, ...] = ()
    dump: tuple[DumpColumn, ...] = ()
    schema: Schema | None = None  # the JSON value's type (needed when `json` is given)
    # Columns computed by the row's query, (name, expression): a JSON column read as text, so that
    # a page's rows need no converter and can be compiled (registry/compiled.py).
    computed: tuple[tuple[str, Any], ...] = ()


def iso(value: datetime.date | datetime.datetime | None) -> str | None:
    """A date or time as the dump writes it: ISO 8601, times in UTC with a `Z`."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def joined_cell(entries: Iterable[str]) -> str:
    """A CSV cell of several entries."""
    return "; ".join(entries)


def labelled(name: Any, code: Any) -> str:
    """`Name [code]`: a linked entry in a CSV cell."""
    return f"{name} [{code}]"


def choice_labels(model: type[models.Model], name: str) -> Callable[[Any], str]:
    """The label of a field's value, as `get_<name>_display()` shows it in the active language (a
    value outside the choices shows as itself)."""
    choices = cast(models.Field, model._meta.get_field(name)).flatchoices

    def label(value: Any) -> str:
        return next((str(text) for key, text in choices if key == value), value)

    return label


def Scalar(  # noqa: N802 (a kind of field, named as the classes beside it)
    name: str,
    *,
    source: str | None = None,
    csv: bool = True,
    dump: str | bool = True,
    dump_type: str = "string",
    description: str = "",
    help: str = "",
) -> Field:
    """A column shown as it is stored (text, a code, a number, a flag). `description`: its meaning
    in the dump's schema; `dump`: False, or the dump's name for it; `help`: its description in the
    OpenAPI schema, if not the model field's help text (the schema gives the model field's type)."""
    column = source or name
    return Field(
        name,
        columns=(column,),
        json=lambda row, _entries, _context: row[column],
        csv=(Cell(name, lambda row, _entries: row[column]),) if csv else (),
        dump=(_dump_column(dump, name, dump_type, description, lambda row, _entries: row[column])),
        schema=Stored(column, help=help),
    )


def ContentLanguage() -> tuple[Field, Field]:  # noqa: N802
    """A searchable record's `language` and `translations` (registry.workflow.SearchableModel):
    in CSV, the translations are one cell of JSON (empty when there are none)."""

    def translations(row: Row) -> dict[str, Any]:
        value = json.loads(row["translations_text"] or "{}")
        return value if isinstance(value, dict) else {}

    def as_cell(row: Row, _entries: Entries) -> str:
        value = translations(row)
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""

    return (
        Scalar("language", description="The language of the record's own text (ISO 639-1 code)."),
        Field(
            "translations",
            columns=("translations_text",),
            computed=(("translations_text", Cast("translations", models.TextField())),),
            json=lambda row, _entries, _context: translations(row),
            csv=(Cell("translations", as_cell),),
            dump=(
                DumpColumn(
                    "translations",
                    "object",
                    'The title and summary in other languages, by ISO 639 code: {"fr": {"title": '
                    '"...", "summary": "..."}} (JSON text in CSV).',
                    lambda row, _entries: translations(row),
                ),
            ),
            schema=Stored(
                "translations",
                help='The title and summary in other languages: {"fr": {"title": "...", "summary": "..."}}.',
            ),
        ),
    )


def _dump_column(
    dump: str | bool, name: str, kind: str, description: str, value: Callable[[Row, Entries], Any]
) -> tuple[DumpColumn, ...]:
    if dump is False:
        return ()
    return (DumpColumn(name if dump is True else dump, kind, description, value),)


def PartialDate(  # noqa: N802
    name: str, *, csv: bool = True, dump: bool = True, description: str = ""
) -> tuple[Field, Field]:
    """A date known to the day, the month or the year, and its `<name>_precision` after it."""
    date = Field(
        name,
        columns=(name,),
        json=lambda row, _entries, context: context.date(row[name]),
        csv=(Cell(name, lambda row, _entries: row[name]),) if csv else (),
        dump=_dump_column(dump, name, "date", description, lambda row, _entries: iso(row[name])),
        schema=Stored(name),
    )
    return date, Scalar(f"{name}_precision", csv=csv, dump=dump, description="day, month or year.")


def Choice(  # noqa: N802
    name: str,
    model: type[models.Model],
    *,
    source: str | None = None,
    csv: tuple[str, str] | None = None,
    dump: str | bool = True,
    description: str = "",
) -> Field:
    """A value of a field's choices: its code in JSON and the dump, code and label in the CSV."""
    column = source or name
    label = choice_labels(model, column)
    cells = (
        (
            Cell(csv[0], lambda row, _entries: row[column]),
            Cell(csv[1], lambda row, _entries: label(row[column])),
        )
        if csv
        else ()
    )
    return Field(
        name,
        columns=(column,),
        json=lambda row, _entries, _context: row[column],
        csv=cells,
        dump=_dump_column(dump, column, "string", description, lambda row, _entries: row[column]),
        schema=Stored(column, model),
    )


def CodeName(  # noqa: N802
    name: str,
    *,
    source: str | None = None,
    label: str = "name",
    csv: tuple[str, str] | None = None,
    dump: str | bool = True,
    description: str = "",
    help: str = "",
) -> Field:
    """A vocabulary entry named by a foreign key: `{"code", "name"}` (CODE_NAME) or null in JSON,
    its code and label in the CSV (`csv` names the two columns), its code in the dump."""
    relation = source or name
    code_column, label_column = f"{relation}_id", f"{relation}__{label}"

    def shown(row: Row, _entries: Entries, _context: Context) -> dict[str, Any] | None:
        code = row[code_column]
        return None if code is None else {"code": code, "name": row[label_column]}

    cells = (
        (
            Cell(csv[0], lambda row, _entries: row[code_column]),
            Cell(
                csv[1],
                lambda row, _entries: row[label_column] if row[code_column] is not None else "",
            ),
        )
        if csv
        else ()
    )
    return Field(
        name,
        columns=(code_column, label_column),
        json=shown,
        csv=cells,
        dump=_dump_column(dump, relation, "string", description, lambda row, _entries: row[code_column]),
        schema=CODE_NAME.nullable(help),
    )


def LinkedRecord(  # noqa: N802
    name: str,
    shown_as: Object,
    *,
    dump: str | None = None,
    dump_description: str = "",
    csv: bool = True,
    help: str = "",
) -> Field:
    """A record named by a foreign key, shown only while it is published: as `shown_as` (its columns
    of the same names) in JSON, or null; its slug in the CSV, its id in the dump (`dump` names the
    column)."""
    status, slug, key = f"{name}__status", f"{name}__slug", f"{name}_id"
    paths = tuple(f"{name}__{column}" for column in shown_as.keys)

    def shown(row: Row, _entries: Entries, _context: Context) -> dict[str, Any] | None:
        if row[status] != Status.PUBLISHED:
            return None
        return shown_as.make(*(row[path] for path in paths))

    def published(value: Callable[[Row], Any], otherwise: Any) -> Callable[[Row, Entries], Any]:
        return lambda row, _entries: value(row) if row[status] == Status.PUBLISHED else otherwise

    return Field(
        name,
        columns=(status, slug, key, *paths),
        json=shown,
        csv=(Cell(name, published(lambda row: row[slug], "")),) if csv else (),
        dump=(DumpColumn(dump, "integer", dump_description, published(lambda row: row[key], None)),)
        if dump
        else (),
        schema=shown_as.nullable(help),
    )


def Many(  # noqa: N802
    name: str,
    relation: Relation,
    *,
    json: Callable[..., Any] | None,
    item: Schema | None = None,
    help: str = "",
    csv: Callable[..., str] | None = None,
    dump: tuple[str, Callable[..., Any]] | None = None,
    dump_description: str = "",
    item_type: str = "string",
) -> Field:
    """A list of entries read from a relation batch: each entry's columns go to `json`, `csv` (one
    cell, entries joined) and `dump` (a name, and the value of each entry in a list). `item`: the
    type of `json`'s answer, which an Object (`json=CODE_NAME`, made by its `make`) gives itself."""
    entry = json.make if isinstance(json, Object) else json
    cell = csv
    if item is None and isinstance(json, Object):
        item = json
    if json is not None and item is None:
        raise ValueError(f"{name}: the type of its entries (item=) is needed for the schema")
    return Field(
        name,
        relation=relation,
        json=(lambda _row, entries, _context: [entry(*e) for e in entries]) if entry else None,
        csv=(Cell(name, lambda _row, entries: joined_cell(cell(*e) for e in entries)),) if cell else (),
        dump=(
            (
                DumpColumn(
                    dump[0],
                    "array",
                    dump_description,
                    _each(dump[1]),
                    many=True,
                    item_type=item_type,
                ),
            )
            if dump
            else ()
        ),
        schema=ListOf(item, help=help) if item is not None else None,
    )


def _each(value: Callable[..., Any]) -> Callable[[Row, Entries], list[Any]]:
    """A dump column's value for a list of entries: `value` of each entry."""
    return lambda _row, entries: [value(*e) for e in entries]


# Shapes.


class RecordShape:
    """What the public sees of one record type, in the order of its JSON.

    Every record has a slug, an API address (`api_view`), a page (`web_view`, or none: people),
    and `published_at`/`updated_at` stamps: the shape writes them in the same places for all types
    (JSON: slug, url and web_url first, the stamps last; CSV: slug first, updated_at and web_url
    last; dump: id, slug first, the page's address and the stamps last).
    """

    export_chunk_size = 500

    def __init__(
        self,
        model: type[models.Model],
        *,
        api_view: str,
        web_view: str | None = None,
        fields: Iterable[Field | tuple[Field, ...]],
    ) -> None:
        self.model = model
        self.api_view = api_view
        self.web_view = web_view
        self.fields: list[Field] = [
            f for item in fields for f in (item if isinstance(item, tuple) else (item,))
        ]
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{model.__name__}: a field is named twice in {names}")
        self.json_fields = [f for f in self.fields if f.json is not None]
        untyped = [f.name for f in self.json_fields if f.schema is None]
        if untyped:
            raise ValueError(f"{model.__name__}: no type for the schema of {untyped}")
        self.csv_fields = [f for f in self.fields if f.csv]
        self.dump_fields = [f for f in self.fields if f.dump]

    def similar(self, pk: Any, context: Context) -> list[dict[str, Any]]:
        """The records of this type nearest in meaning to record `pk` (registry.embeddings), as
        `SIMILAR_RECORD`s: what a detail adds after its own fields."""
        from registry.embeddings import similar_ids  # noqa: PLC0415 (embeddings import the models)

        ids = similar_ids(self.model, pk)
        records = self.model._default_manager.defer("search_vector", "search_text")
        found: dict[Any, Any] = records.in_bulk(ids) if ids else {}
        web_url = context.web_url
        named = [(found[pk].slug, str(found[pk])) for pk in ids if pk in found]
        return [
            SIMILAR_RECORD.make(slug, name, context.api_url(slug), web_url(slug) if web_url else None)
            for slug, name in named
        ]

    def json_schema(self) -> list[tuple[str, Schema]]:
        """The JSON's keys and their types, in order: what the OpenAPI schema documents."""
        own_page = URI.nullable("The record's page on the site (null for records without one).")
        return [
            ("slug", Stored("slug")),
            ("url", Plain(kind="uri", help="The record in the API.")),
            ("web_url", own_page),
            *((f.name, cast(Schema, f.schema)) for f in self.json_fields),
            ("published_at", Stored("published_at")),
            ("updated_at", Stored("updated_at")),
        ]

    def extended(self, *fields: Field) -> RecordShape:
        """This shape with `fields` added after its own (before the stamps)."""
        return RecordShape(
            self.model, api_view=self.api_view, web_view=self.web_view, fields=[*self.fields, *fields]
        )

    # Columns and relations.

    @staticmethod
    def _columns(fields: Iterable[Field], first: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*first, *(c for f in fields for c in f.columns)]))

    @classmethod
    def _values(
        cls, queryset: models.QuerySet, fields: Iterable[Field], first: tuple[str, ...]
    ) -> models.QuerySet:
        """`queryset` as dicts of the columns `fields` read, computed ones by their expressions."""
        fields = list(fields)
        computed = {name: expression for f in fields for name, expression in f.computed}
        return queryset.values(*(c for c in cls._columns(fields, first) if c not in computed), **computed)

    @staticmethod
    def _related(fields: Iterable[Field], ids: list[Any]) -> dict[Hashable, dict[Any, list[tuple]]]:
        relations = list({f.relation.key: f.relation for f in fields if f.relation}.values())
        if not ids:
            return {relation.key: {} for relation in relations}
        results = rows_for_ids_together(relations, ids)
        return {r.key: grouped(rows) for r, rows in zip(relations, results, strict=True)}

    # JSON.

    @property
    def json_columns(self) -> tuple[str, ...]:
        return self._columns(self.json_fields, ("id", "slug", "published_at", "updated_at"))

    def rows(self, queryset: models.QuerySet) -> models.QuerySet:
        """A list's or a detail's query: the filtered, ordered records as dicts of the JSON's columns."""
        return self._values(queryset, self.json_fields, ("id", "slug", "published_at", "updated_at"))

    def records(self, rows: list[Row], context: Context) -> list[Row]:
        """The JSON of each row of `rows()`, in order."""
        ids = [row["id"] for row in rows]
        related = self._related(self.json_fields, ids)
        api_url, web_url, stamp = context.api_url, context.web_url, context.datetime
        empty: list[tuple] = []
        fields: list[tuple[str, JsonValue, dict[Any, list[tuple]] | None]] = [
            (f.name, f.json, related[f.relation.key] if f.relation else None)
            for f in self.json_fields
            if f.json is not None
        ]
        records = []
        for row in rows:
            pk, slug = row["id"], row["slug"]
            record: Row = {"slug": slug, "url": api_url(slug), "web_url": web_url(slug) if web_url else None}
            for name, value, by_record in fields:
                record[name] = value(
                    row, by_record.get(pk, empty) if by_record is not None else empty, context
                )
            record["published_at"] = stamp(row["published_at"])
            record["updated_at"] = stamp(row["updated_at"])
            records.append(record)
        return records

    # The API's CSV.

    @property
    def csv_header(self) -> list[str]:
        cells = [cell.header for f in self.csv_fields for cell in f.csv]
        return ["slug", *cells, "updated_at", *(["web_url"] if self.web_view else [])]

    def csv_rows(self, queryset: models.QuerySet, request: Request) -> Iterator[list[Any]]:
        """The cells of each record of `queryset`, in its order, one list per record.

        The query streams (a server-side cursor) and each chunk's relations are one batch keyed by
        the chunk's ids: memory stays flat however many rows.
        """
        site = request.build_absolute_uri("/").rstrip("/")
        web_url = web_url_builder(site, self.web_view) if self.web_view else None
        records = self._values(
            queryset.select_related(None).prefetch_related(None),
            self.csv_fields,
            ("id", "slug", "updated_at"),
        ).iterator(chunk_size=self.export_chunk_size)
        empty: list[tuple] = []
        while chunk := list(islice(records, self.export_chunk_size)):
            related = self._related(self.csv_fields, [row["id"] for row in chunk])
            cells = [
                (cell.value, related[f.relation.key] if f.relation else None)
                for f in self.csv_fields
                for cell in f.csv
            ]
            for row in chunk:
                pk = row["id"]
                line = [row["slug"]]
                line += [value(row, by.get(pk, empty) if by is not None else empty) for value, by in cells]
                line.append(row["updated_at"].isoformat())
                if web_url:
                    line.append(web_url(row["slug"]))
                yield line

    # The bulk dump.

    def dump_columns(self) -> list[DumpColumn]:
        """The dump's columns of this record type (their values read from `dump_rows()`)."""
        named = self.web_view is not None  # a record with a page is named by its slug and address
        verbose = self.model._meta.verbose_name
        own = [DumpColumn("id", "integer", f"The registry's id for the {verbose}.", _row_value("id"))]
        if named:
            own.append(
                DumpColumn("slug", "string", f"The {verbose}'s name in its page address.", _row_value("slug"))
            )
        columns = [*own, *(c for f in self.dump_fields for c in f.dump)]
        if named:
            columns.append(
                DumpColumn("url", "string", "The record's page in the registry.", _row_value("url"))
            )
        return [
            *columns,
            DumpColumn(
                "published_at",
                "datetime",
                "When the record was first published (UTC).",
                _stamp("published_at"),
            ),
            DumpColumn("updated_at", "datetime", "When the record last changed (UTC).", _stamp("updated_at")),
        ]

    def dump_rows(self, queryset: models.QuerySet, site_url: str, chunk_size: int) -> Iterator[list[Any]]:
        """The values of `dump_columns()` for each record of `queryset`, a chunk at a time."""
        web_url = web_url_builder(site_url, self.web_view) if self.web_view else None
        fields = self.dump_fields
        records = self._values(queryset, fields, ("id", "slug", "published_at", "updated_at")).iterator(
            chunk_size=chunk_size
        )
        dump_columns = self.dump_columns()
        empty: list[tuple] = []
        while chunk := list(islice(records, chunk_size)):
            related = self._related(fields, [row["id"] for row in chunk])
            by_column = {
                id(c): related[f.relation.key] if f.relation else None for f in fields for c in f.dump
            }
            for row in chunk:
                if web_url:
                    row["url"] = web_url(row["slug"])
                pk = row["id"]
                yield [
                    c.value(row, by.get(pk, empty) if (by := by_column.get(id(c))) is not None else empty)
                    for c in dump_columns
                ]


def _row_value(name: str) -> Callable[[Row, Entries], Any]:
    return lambda row, _entries: row[name]


def _stamp(name: str) -> Callable[[Row, Entries], Any]:
    return lambda row, _entries: iso(row[name])
