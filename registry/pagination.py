"""Pagination shared by the API and the site's search pages: counts cached until the registry's next
write, and deep pages that read their ids from the order's index before their rows."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Expression
from django.utils.functional import cached_property

from .cache import record_set_key, registry_cached
from .shapes import AnyOf

# From this offset on, a page reads its ids first (RegistryPaginator.rows).
DEEP_OFFSET = 1000
# A search with at least this many matches caches the ids of its first RANKING_WINDOW records in
# relevance order until the next write (RegistryPaginator.cached_ranking): pages within them are
# read by id. Fewer matches rank quickly enough to rank on every request.
RANKING_CACHED_FROM = 2000
RANKING_WINDOW = 1000


class RegistryPaginator(Paginator):
    """Django's paginator, with three changes for large lists of records.

    - The count is cached until the registry's next write (registry/cache.py): counting every
      match of a common word, or up to the API's cap, is most of a list's database time.
    - Deep in a list, OFFSET makes the database build and skip every row before the page. There,
      the page's ids come first, from the order's index alone, then their rows. `records` is the
      same records
      before values() joined in the columns' tables, when the list is of values() rows: a join,
      even one the planner then removes, keeps it from reading the ids from the index.
    - A search with many matches caches the ids of its first thousand in relevance order until the
      next write (`cached_ranking`), and reads a page within them by id.

    docs/scaling.md has the measurements behind each.
    """

    def __init__(self, *args: Any, records: models.QuerySet | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = records
        # The page's query, when it was read by a single query over the list (not a deep page).
        self.page_query: models.QuerySet | None = None

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, models.QuerySet):
            return super().count
        return self.cached_count()

    def cached_count(self, limit: int | None = None) -> int:
        """How many records the list holds (at most `limit`), cached until the next write."""
        # Ordering does not change a count, and sorting by relevance is the costly part of a search.
        counted = cast(models.QuerySet, self.object_list).order_by().values("pk")  # a list of records
        if limit is not None:
            counted = counted[:limit]
        records = record_set_key(counted)
        if records is None:
            return counted.count()
        return registry_cached(("count", counted.db, records, limit), counted.count)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # Django's hook for the page class (not in the stubs).
        return self._get_page(self.rows(bottom, top), number, self)  # type: ignore[attr-defined]

    def rows(self, bottom: int, top: int) -> Any:
        """The records from `bottom` to `top`, in order."""
        records = self.object_list
        if not isinstance(records, models.QuerySet):
            return records[bottom:top]
        source = self.records if self.records is not None else records
        if top <= RANKING_WINDOW and self.caches_ranking(records):
            ids = self.cached_ranking(source)[bottom:top]
            # Filtered by their ids alone, in the same order: a page's query, as a compiled page stores it.
            self.page_query = records.filter(AnyOf("pk", ids)) if ids else records.none()
            return self.page_query
        if bottom < DEEP_OFFSET:
            self.page_query = records[bottom:top]
            return self.page_query
        ids = list(source.values_list("pk", flat=True)[bottom:top])
        # The same ordering (ending with the id, so total) over the page's rows alone gives them in
        # the same order.
        return list(records.filter(AnyOf("pk", ids))) if ids else []

    def caches_ranking(self, records: models.QuerySet) -> bool:
        """Whether `records` are a search's many matches in relevance order (see cached_ranking)."""
        return records.query.order_by[:1] == ("-search_rank",) and self.count >= RANKING_CACHED_FROM

    def cached_ranking(self, records: models.QuerySet) -> list[Any]:
        """The ids of the first `RANKING_WINDOW` records in order, cached until the next write.

        A common word's search ranks every match to find the best twenty, the same work for every
        page. Cached, a page reads its twenty rows by id.
        """
        ranked = records.values_list("pk", flat=True)[:RANKING_WINDOW]
        key = record_set_key(records)
        if key is None:
            return list(ranked)
        # The key names the order by its expressions' text alone, so their parameters must be in
        # the WHERE clause: the relevance of a search ranks by the query that also filters it.
        assert_order_parameters_filtered(records)
        parts = ("ranking", records.db, key, tuple(map(str, records.query.order_by)), RANKING_WINDOW)
        return registry_cached(parts, lambda: list(ranked))


def assert_order_parameters_filtered(records: models.QuerySet) -> None:
    """Refuse an ordering whose values `record_set_key(records)` does not hold.

    The ranking's key names its order by the text of `order_by` (`-search_rank`), which leaves out
    the values an annotation ranks by (the search query): the ranking cached under it is the right
    one only if every such value also filters the records, as a search's query does.
    """
    query = records.query
    compiler = query.get_compiler(using=records.db)
    where = record_set_key(records)
    filtered = set(where[3]) if where else set()
    for item in query.order_by:
        name = item.lstrip("-") if isinstance(item, str) else None
        if name is not None and name not in query.annotations:
            continue  # a column: no values
        expression = (
            query.annotations[name] if name is not None else cast(Expression, item).resolve_expression(query)
        )
        _, params = compiler.compile(expression)
        missing = [value for value in params if repr(value) not in filtered]
        if missing:
            raise AssertionError(
                f"{records.model._meta.label} is ordered by {item!r} with values {missing!r} that its "
                "WHERE clause does not hold: the cached ranking's key would not tell them apart."
            )
