"""Pagination shared by the API and the site's search pages: counts kept until the registry's next
write, and deep pages that read their ids from the order's index before their rows."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils.functional import cached_property

from registry.shapes import AnyOf

from .derived import UNREAD, records_key, registry_cached

# From this offset on, a page reads its ids first (RegistryPaginator.rows).
DEEP_OFFSET = 1000
# A search with at least this many matches keeps the ids of its first RANKING_WINDOW records in
# relevance order until the next write (RegistryPaginator.kept_ranking): pages within them are read
# by id. Fewer matches rank quickly enough to rank on every request.
RANKING_KEPT_FROM = 2000
RANKING_WINDOW = 1000


class RegistryPaginator(Paginator):
    """Django's paginator, with three changes for large lists of records.

    - The count is kept in the cache until the registry's next write (sscregistry/derived.py):
      counting 18,000 matches of a common word, or up to the API's cap, is most of a list's
      database time. `changed` is the time of that write when the caller has read it (saves a query).
    - Deep in a list, OFFSET makes the database build and skip every row before the page: at page
      4,500 of the partnerships, a sort of 90,000 whole rows (290 ms). There, the page's ids come
      first, from the order's index alone (15 ms), then their rows. `records` is the same records
      before values() joined in the columns' tables, when the list is of values() rows: a join,
      even one the planner then removes, keeps it from reading the ids from the index.
    - A search with many matches keeps the ids of its first thousand in relevance order until the
      next write (`kept_ranking`), and reads a page within them by id.
    """

    def __init__(
        self, *args: Any, changed: Any = UNREAD, records: models.QuerySet | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.changed = changed
        self.records = records
        # The page's query, when it was read by a single query over the list (not a deep page).
        self.page_query: models.QuerySet | None = None

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, models.QuerySet):
            return super().count
        return self.kept_count()

    def kept_count(self, limit: int | None = None) -> int:
        """How many records the list holds (at most `limit`), kept until the next write."""
        # Ordering does not change a count, and sorting by relevance is the costly part of a search.
        counted = self.object_list.order_by().values("pk")
        if limit is not None:
            counted = counted[:limit]
        records = records_key(counted)
        if records is None:
            return counted.count()
        return registry_cached(("count", counted.db, records, limit), counted.count, changed=self.changed)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom: int, top: int) -> Any:
        """The records from `bottom` to `top`, in order."""
        records = self.object_list
        if not isinstance(records, models.QuerySet):
            return records[bottom:top]
        source = self.records if self.records is not None else records
        if top <= RANKING_WINDOW and self.keeps_ranking(records):
            ids = self.kept_ranking(source)[bottom:top]
            # Filtered by their ids alone, in the same order: a page's query, as a plan keeps it.
            self.page_query = records.filter(AnyOf("pk", ids)) if ids else records.none()
            return self.page_query
        if bottom < DEEP_OFFSET:
            self.page_query = records[bottom:top]
            return self.page_query
        ids = list(source.values_list("pk", flat=True)[bottom:top])
        # The same ordering (ending with the id, so total) over the page's rows alone gives them in
        # the same order.
        return list(records.filter(AnyOf("pk", ids))) if ids else []

    def keeps_ranking(self, records: models.QuerySet) -> bool:
        """Whether `records` are a search's many matches in relevance order (see kept_ranking)."""
        return records.query.order_by[:1] == ("-search_rank",) and self.count >= RANKING_KEPT_FROM

    def kept_ranking(self, records: models.QuerySet) -> list[Any]:
        """The ids of the first `RANKING_WINDOW` records in order, kept until the next write.

        A common word's search ranks every match to find the best twenty (18,000 of them at
        scale 1: 45 ms of heap reads and `ts_rank`, the same for every page). Kept, a page reads its
        twenty rows by id.
        """
        ranked = records.values_list("pk", flat=True)[:RANKING_WINDOW]
        key = records_key(records)
        if key is None:
            return list(ranked)
        # The ordering's parameters (the search query) are in the WHERE clause's too.
        parts = ("ranking", records.db, key, tuple(map(str, records.query.order_by)), RANKING_WINDOW)
        return registry_cached(parts, lambda: list(ranked), changed=self.changed)
