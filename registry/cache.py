"""Figures (facet counts, chart data, list counts) cached until the registry's next write.

Counting facets over every published partnership takes seconds at 100,000 records, yet the counts
change only when a curator writes. The key holds the time of the registry's last write (the same
stamp as the API's ETags), so any write makes every cached figure stale at once; until a write has
been recorded, nothing is cached. A database trigger bumps the stamp when a write commits
(registry/signals.py), and a request reads it once (`last_change`).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.http import HttpResponse
from django.utils.translation import get_language

from .models import RegistryChange

T = TypeVar("T")


def read_last_change() -> float | None:
    """The time of the registry's last recorded write, as a timestamp (None before the first),
    read from the database now."""
    # Plain SQL costs a third of what building and compiling the ORM query did.
    table = RegistryChange._meta.db_table  # the model's own table name, no input
    with connections[router.db_for_read(RegistryChange)].cursor() as cursor:
        cursor.execute(f"SELECT changed_at FROM {table} WHERE id = 1")  # nosec B608
        row = cursor.fetchone()
    return row[0].timestamp() if row and row[0] else None


# The last change as the current request read it: a one-item list once read, an empty one before.
_request_reading: ContextVar[list[float | None] | None] = ContextVar("registry_change_read", default=None)


@contextlib.contextmanager
def one_reading() -> Iterator[None]:
    """Within this block, `last_change()` reads the database once and then answers the same.

    For a request that only reads (sscregistry/middleware.py): its ETag, cached counts, facets and
    search decision are then all named by one state of the registry.
    """
    token = _request_reading.set([])
    try:
        yield
    finally:
        _request_reading.reset(token)


def last_change() -> float | None:
    """The time of the registry's last recorded write (None before the first): read once per
    reading request, and afresh each time elsewhere (writes, commands, tasks)."""
    reading = _request_reading.get()
    if reading is None:
        return read_last_change()
    if not reading:
        reading.append(read_last_change())
    return reading[0]


def registry_cached(parts: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()`, or its value cached since the registry's last write for the same `parts`.

    The value is looked up in this process's cache, then in the cache every server shares
    (settings.SHARED_CACHE); only one process computes it, the others wait for its result.
    """
    if not settings.FIGURES_CACHE_SECONDS:
        return compute()
    changed = last_change()
    if changed is None:
        return compute()
    digest = hashlib.sha256(repr((changed, get_language(), parts)).encode()).hexdigest()
    key = f"figure:{digest}"
    value = cache.get(key)
    if value is not None:
        return value
    if settings.SHARED_CACHE != "default":
        value = caches[settings.SHARED_CACHE].get(key)
    if value is None:
        value = compute_once(key, compute)
    if settings.SHARED_CACHE != "default":
        cache.set(key, value, settings.FIGURES_CACHE_SECONDS)
    return value


# How long a process computing a cached figure holds its lock, and how long others wait for it.
COMPUTE_LOCK_SECONDS = 30
WAIT_STEP_SECONDS = 0.1


def compute_once(key: str, compute: Callable[[], T]) -> T:
    """`compute()` cached under `key` in the shared cache, computed by one process at a time.

    After a write, every worker and server asks for the same facet counts at once: without the
    lock, each of them spent seconds computing the same figures. Those that find the lock taken
    wait for the value; if the computing process fails or takes too long, they compute it
    themselves.
    """
    shared = caches[settings.SHARED_CACHE]
    lock = f"{key}:computing"
    if shared.add(lock, True, COMPUTE_LOCK_SECONDS):
        try:
            value = compute()
            shared.set(key, value, settings.FIGURES_CACHE_SECONDS)
        finally:
            shared.delete(lock)
        return value
    deadline = time.monotonic() + COMPUTE_LOCK_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        value = shared.get(key)
        if value is not None:
            return value
        if shared.get(lock) is None:
            break  # the computing process failed: compute it here
    return compute()


def record_set_key(queryset: Any) -> tuple[Any, ...] | None:
    """What names the records of `queryset`, for every figure cached about them (counts, facet
    counts, rankings, search decisions): its model, the tables it joins and its WHERE clause with
    parameters. A filter that reads the clock writes the time it resolved into the WHERE clause
    (events' `when`, to the minute), so every figure of one request names the same moment.

    Its columns and order do not change which records it holds, and compiling the whole query for a
    key cost a search a tenth of its time. None for a queryset that matches nothing."""
    query = queryset.query
    try:
        sql, params = query.get_compiler(using=queryset.db).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        sql, params = "", ()
    return (query.model._meta.label_lower, tuple(query.alias_map), sql, tuple(map(repr, params)))


def cached_response(key: str | None) -> HttpResponse | None:
    """The answer `cache_response` stored under `key`, rebuilt; None if there is none."""
    stored = cache.get(key) if key else None
    if stored is None:
        return None
    content, headers = stored
    return HttpResponse(content, headers=headers)


def cache_response(key: str, response: HttpResponse, headers: dict[str, str], seconds: int) -> None:
    """Store a rendered answer's body and the given headers for `seconds`."""
    cache.set(key, (response.content, headers), seconds)
