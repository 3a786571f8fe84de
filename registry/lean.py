"""A lean read path for public lists and details: `values()` rows assembled into the read
serializer's JSON, without model instances or serializer fields.

A partnership list page through the serializer builds a model instance for every row of the page
and of its nine prefetches, then about twenty field objects per row, with two `reverse()` calls per
row for `url` and `web_url`. A reader asks for the same rows as tuples (one query for the page,
one per relation, keyed by the parent's id), and writes the same keys in the same order with the
same values; record URLs are a prefix and a suffix computed once per request around the slug.

The read serializer stays the description of the answer (the OpenAPI schema is built from it), the
path for anything a reader does not cover (the browsable API, other renderers), and the reference:
`tests/test_lean.py` compares both outputs field by field on the seed data and on records with every
relation filled, so the two cannot drift. `API_LEAN_READS = False` turns the lean path off.

`LeanExport` does the same for the CSV exports, against the viewsets' `export_columns`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from itertools import islice
from typing import Any, ClassVar

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router
from django.db.models import F, Func, Subquery, Value
from django.urls import reverse as django_reverse
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.reverse import reverse as drf_reverse

from registry.workflow import Status

Row = dict[str, Any]
# Builds a relation query from the parents' ids (see rows_for_ids).
Build = Callable[[list[Any]], models.QuerySet]

# Slugs that reverse() would write as they are (no percent-encoding). Others go through reverse().
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_MARKER = "leanslugmarker"


def slug_url_builder(build: Callable[[str], str]) -> Callable[[str], str]:
    """`build(slug)` for any slug, from one call: the URL around a marker slug, split in two.

    `build` must be what the serializer calls per row (reverse, then build_absolute_uri). A slug
    that reverse() would encode, or a URL in which the marker is not found exactly once, falls back
    to calling `build` itself.
    """
    sample = build(_MARKER)
    if sample.count(_MARKER) != 1:
        return build
    head, _, tail = sample.partition(_MARKER)

    def url(slug: str) -> str:
        return head + slug + tail if _PLAIN_SLUG.fullmatch(slug) else build(slug)

    return url


def api_url_builder(
    request: Request, view_name: str, lookup: str = "slug", format: str | None = None
) -> Callable[[str], str]:
    """The `url` field (HyperlinkedIdentityField) of a record, from its slug."""
    return slug_url_builder(
        lambda slug: drf_reverse(view_name, kwargs={lookup: slug}, request=request, format=format)
    )


def web_url_builder(request: Request, view_name: str, lookup: str = "slug") -> Callable[[str], str]:
    """The `web_url` field (the record's get_absolute_url(), made absolute) from its slug."""
    return slug_url_builder(
        lambda slug: request.build_absolute_uri(django_reverse(view_name, kwargs={lookup: slug}))
    )


class AnyOf(Func):
    """`column = ANY(%s)` with the values as one array parameter: a page's or a chunk's ids, however
    many, without a placeholder (and a lookup object) per id as `column__in=ids` makes."""

    output_field = models.BooleanField()

    def __init__(self, column: str, values: Iterable[Any] | Subquery) -> None:
        # A subquery (an ArraySubquery) is the array itself; anything else is a list of values.
        array = values if isinstance(values, Subquery) else Value(list(values))
        super().__init__(F(column), array)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        column, column_params = compiler.compile(self.source_expressions[0])
        values, values_params = compiler.compile(self.source_expressions[1])
        return f"{column} = ANY({values})", [*column_params, *values_params]


def grouped(rows: Iterable[tuple], build: Callable[..., Any]) -> dict[Any, list[Any]]:
    """`{parent id: [build(*rest), ...]}` from `(parent id, *rest)` tuples, keeping their order."""
    result: dict[Any, list[Any]] = defaultdict(list)
    for parent, *rest in rows:
        result[parent].append(build(*rest))
    return result


def many_to_many(
    model: type[models.Model], name: str, ids: list[Any], *fields: str, published: bool = False
) -> list[tuple]:
    """`(parent id, *fields of the linked entry)` tuples of a many-to-many field, in the linked
    model's own order (as the serializer's prefetch gives them), from the link table.

    `published`: only linked records whose status is published (records, not vocabularies)."""
    return rows_for_ids(*many_to_many_query(model, name, *fields, published=published), ids)


def many_to_many_query(
    model: type[models.Model], name: str, *fields: str, published: bool = False
) -> tuple[Hashable, Build]:
    """The `(key, build)` of `many_to_many()`, for `rows_for_ids_together()`."""

    def build(ids: list[Any]) -> models.QuerySet:
        field = model._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        ordering = [
            f"-{target}__{key[1:]}" if key.startswith("-") else f"{target}__{key}"
            for key in field.related_model._meta.ordering
        ]
        links = through._default_manager.filter(AnyOf(f"{source}_id", ids))
        if published:
            links = links.filter(**{f"{target}__status": Status.PUBLISHED})
        return links.order_by(*ordering, "pk").values_list(
            f"{source}_id", *(f"{target}__{f}" for f in fields)
        )

    return ("many_to_many", model._meta.label, name, fields, published), build


def required_url(url: Callable[[str], str] | None) -> Callable[[str], str]:
    """A reader's or export's URL builder, which every one with a web view sets up."""
    if url is None:
        raise ImproperlyConfigured("This reader needs web_view_name to build web_url.")
    return url


def choice_labels(model: type[models.Model], name: str) -> dict[Any, str]:
    """`{value: label}` of a field's choices, as `get_<name>_display()` shows them (in the active
    language): a value outside the choices shows as itself."""
    return {value: str(label) for value, label in model._meta.get_field(name).flatchoices}


def labelled(name: Any, code: Any) -> str:
    """`Name [code]`: a linked entry in a CSV cell."""
    return f"{name} [{code}]"


def joined_cell(entries: list[str] | None) -> str:
    """A CSV cell of several entries."""
    return "; ".join(entries) if entries else ""


# The SQL of each relation query, compiled once per process and database alias (see rows_for_ids).
_compiled: dict[tuple[Hashable, str], tuple[str, list[Any], int] | None] = {}
_models: dict[Hashable, type[models.Model]] = {}
_IDS_MARKER = ["lean-ids-marker"]


def rows_for_ids(key: Hashable, build: Build, ids: list[Any]) -> list[tuple]:
    """`list(build(ids))` for a `values_list()` query whose only varying input is `ids` (an
    `AnyOf` list), with its SQL compiled once per process under `key`.

    Building and compiling a relation query cost about as much Python as running it: a list page
    runs ten of them. `key` must name everything else the query depends on. A query whose
    compiled parameters do not hold the ids exactly once, or whose columns need converting from
    the database's values (what values_list() would do), is built every time instead.
    """
    model = _models.get(key)
    if model is None:
        queryset = build(list(ids))
        _models[key] = queryset.model
        return list(queryset)
    using = router.db_for_read(model)
    prepared = _prepared(key, build, ids, using)
    if prepared is None:
        return list(build(list(ids)))
    with connections[using].cursor() as cursor:
        cursor.execute(*prepared)
        return cursor.fetchall()


def rows_for_ids_together(queries: list[tuple[Hashable, Build]], ids: list[Any]) -> list[list[tuple]]:
    """`rows_for_ids(key, build, ids)` for each `(key, build)`, sent to the database as one batch
    of statements: one round trip instead of one per relation (nine for a partnership page).

    Needs client-side binding (psycopg's ClientCursor, Django's default): with server-side binding
    a query cannot hold several statements, and each query runs on its own.
    """
    known = [_models[key] for key, _ in queries if key in _models]
    if not known:
        return [rows_for_ids(key, build, ids) for key, build in queries]
    using = router.db_for_read(known[0])  # replicas hold the same rows: one of them answers all
    prepared = [_prepared(key, build, ids, using) if key in _models else None for key, build in queries]
    batch = [statement for statement in prepared if statement is not None]
    results: list[list[tuple] | None] = [None] * len(queries)
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
        result if result is not None else rows_for_ids(key, build, ids)
        for result, (key, build) in zip(results, queries, strict=True)
    ]


def _prepared(key: Hashable, build: Build, ids: list[Any], using: str) -> tuple[str, list[Any]] | None:
    """The SQL and parameters of `build(ids)` on database `using`, compiled once per process;
    None when the query cannot be run from its SQL alone (see rows_for_ids)."""
    if (key, using) not in _compiled:
        _compiled[key, using] = _compile(build(list(_IDS_MARKER)), using)
    compiled = _compiled[key, using]
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


class LeanReader:
    """Builds the read serializer's JSON for one kind of record from `values()` rows.

    Subclasses name the page's `columns` and write `records()`, in the serializer's field order.
    """

    columns: ClassVar[tuple[str, ...]] = ()
    api_view_name: ClassVar[str] = ""
    web_view_name: ClassVar[str | None] = None

    def __init__(self, request: Request, format: str | None = None) -> None:
        self.request = request
        self.api_url = api_url_builder(request, self.api_view_name, format=format)
        self.web_url = web_url_builder(request, self.web_view_name) if self.web_view_name else None
        # The serializer's own date and time fields (time zone, format), called without the rest.
        self.date = serializers.DateField().to_representation
        # The request's time zone, looked up once rather than for every value.
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        self.datetime = serializers.DateTimeField(default_timezone=zone).to_representation

    def rows(self, queryset: models.QuerySet) -> models.QuerySet:
        """The page's query: the filtered, ordered records as dicts of `columns`."""
        return queryset.values(*self.columns)

    def records(self, rows: list[Row]) -> list[Row]:
        """The serializer's representation of each row, in order."""
        raise NotImplementedError


class LeanExport:
    """The CSV export's rows from `values_list()` tuples, a chunk at a time: the same cells as the
    viewset's `export_columns` (tests compare both), without model instances or prefetches.

    The page query streams (`iterator(chunk_size=...)`: a server-side cursor), and each chunk's
    relations are one query each, keyed by the chunk's ids: memory stays flat however many rows.
    """

    chunk_size: ClassVar[int] = 500
    columns: ClassVar[tuple[str, ...]] = ()  # the first is the record's id
    header: ClassVar[tuple[str, ...]] = ()
    web_view_name: ClassVar[str | None] = None

    def __init__(self, request: Request) -> None:
        self.request = request
        site = request.build_absolute_uri("/").rstrip("/")
        view_name = self.web_view_name
        self.web_url = (
            slug_url_builder(lambda slug: site + django_reverse(view_name, kwargs={"slug": slug}))
            if view_name
            else None
        )

    def rows(self, queryset: models.QuerySet) -> Iterator[list[Any]]:
        """The cells of each record of `queryset`, in its order, one list per record."""
        records = (
            queryset.select_related(None)
            .prefetch_related(None)
            .values_list(*self.columns)
            .iterator(chunk_size=self.chunk_size)
        )
        while chunk := list(islice(records, self.chunk_size)):
            yield from self.chunk(chunk)

    def chunk(self, rows: list[tuple]) -> Iterator[list[Any]]:
        """The cells of these records: query their relations, then one list per row."""
        raise NotImplementedError
