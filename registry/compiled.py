"""Compiled queries: a list page's or a record's query compiled once, then run from its SQL.

Building a filtered, searched page's query with django-filter and the ORM, compiling it and
counting cost about as much Python as the rest of an API read (a fifth to a third of a search's
CPU time at scale 1). A compiled query holds the SQL, which still runs on every request (the rows are read
fresh), under a key that names what the SQL depends on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]  # psycopg 3 only: not in the stubs
    ServerBindingCursor,
)
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models.query import ValuesIterable

if TYPE_CHECKING:
    from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

P = TypeVar("P")


@dataclass(frozen=True)
class CompiledPage:
    """A list page's query, compiled, with what its paginator had worked out for it: the page
    number, the count and the search's outcome. Its key names the registry's last write, which
    changes the count and a search's choice between full text and a respelling."""

    sql: str
    params: tuple[Any, ...]
    names: tuple[str, ...]
    using: str
    number: int
    per_page: int
    count: int
    capped: bool
    outcome: Any  # the search's outcome (registry.search.SearchOutcome), or None

    def rows(self) -> list[dict[str, Any]]:
        """The page's rows as values() gives them: one dict per record."""
        return value_rows(self.using, self.literal, self.names)

    @cached_property
    def literal(self) -> str:
        """The SQL with its values written in, as the client-side binding sends it."""
        return literal_sql(self.using, self.sql, self.params)


def literal_sql(using: str, sql: str, params: tuple[Any, ...]) -> str:
    """`sql` with `params` written in as literals: the very text psycopg's client-side binding
    (Django's default) sends to the server for them."""
    return cast("PostgresOperations", connections[using].ops).compose_sql(sql, params)


# psycopg's own default: a statement is prepared on its sixth run on a connection (and at most
# 100 are kept per connection, the least recently used deallocated first).
PREPARE_AFTER = 5


def value_rows(using: str, literal: str, names: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of `literal` (SQL with its values written in, see literal_sql) on database `using`,
    as values() gives them: a dict of `names` per row.

    The statement is sent with server-side binding and no parameters, so psycopg prepares it once
    it has run five times on the connection and PostgreSQL stops parsing and planning it on every
    request (a third of a page query's time on the server), as the benchmark's baseline does. Its
    values are part of its text, so the plan is made for them, as for any query Django sends;
    preparing the SQL with parameters instead gets PostgreSQL's generic plan after five runs, which
    was slower for searches. Behind PgBouncer in transaction mode (DISABLE_SERVER_SIDE_CURSORS) a
    prepared statement would not follow the connection, so there, or with API_PREPARED_STATEMENTS=false,
    the statement runs as any query does.
    """
    with _prepared_cursor(connections[using]) as cursor:
        cursor.execute(literal)
        return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def _prepared_cursor(connection: Any) -> CursorWrapper:
    """A cursor that prepares what it runs often (see value_rows), or Django's usual one."""
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS") or not settings.API_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = ServerBindingCursor(connection.connection)
        if connection.connection.prepare_threshold is None:
            # Django turns preparing off for its connections; its client-side cursors never prepare
            # whatever this says, so only these statements are concerned.
            connection.connection.prepare_threshold = PREPARE_AFTER
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    return wrapper(raw, connection)


def compiled_values(queryset: Any) -> tuple[str, tuple[Any, ...], tuple[str, ...]] | None:
    """The SQL, parameters and column names of a values() queryset, when its rows can be read from
    its SQL alone (no converters from the database's values, as a JSON column would need)."""
    if not isinstance(queryset, models.QuerySet) or queryset._iterable_class is not ValuesIterable:
        return None
    query = queryset.query
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if compiler.get_converters([column for column, _, _ in compiler.select]):
        return None
    names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return sql, tuple(params), names


class CompiledQueries(Generic[P]):
    """Compiled queries held in this process, the least recently used dropped first.

    The key must name everything the SQL depends on: the endpoint, the query string, the language
    and, for a page, the registry's last write. Filters that read the clock (a FilterSet's
    `volatile_filters`) are never compiled ahead.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._queries: OrderedDict[Hashable, P] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> P | None:
        with self._lock:
            query = self._queries.get(key)
            if query is not None:
                self._queries.move_to_end(key)
            return query

    def put(self, key: Hashable, query: P) -> None:
        with self._lock:
            self._queries[key] = query
            self._queries.move_to_end(key)
            while len(self._queries) > self.size:
                self._queries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._queries.clear()


@dataclass(frozen=True)
class CompiledLookup:
    """A record's query by its lookup value (a detail's slug), compiled with a marker in its place."""

    sql: str
    params: tuple[Any, ...]
    position: int  # of the lookup value in `params`
    names: tuple[str, ...]
    using: str

    @classmethod
    def of(cls, queryset: models.QuerySet, field: str) -> CompiledLookup | None:
        """`queryset.filter(<field>=value)` compiled, at most two rows (as `get()` reads), for
        any text `value`; None when its rows need more than their SQL."""
        compiled = compiled_values(queryset.filter(**{field: LOOKUP_MARKER})[:2])
        if compiled is None:
            return None
        sql, params, names = compiled
        positions = [index for index, value in enumerate(params) if value == LOOKUP_MARKER]
        if len(positions) != 1:
            return None
        return cls(sql=sql, params=params, position=positions[0], names=names, using=queryset.db)

    def rows(self, value: str) -> list[dict[str, Any]]:
        params = (*self.params[: self.position], value, *self.params[self.position + 1 :])
        return value_rows(self.using, literal_sql(self.using, self.sql, params), self.names)


LOOKUP_MARKER = "\x00lookup-marker"

compiled_pages: CompiledQueries[CompiledPage] = CompiledQueries(size=1024)
compiled_lookups: CompiledQueries[CompiledLookup] = CompiledQueries(size=256)
