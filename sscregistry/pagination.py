"""Pagination shared by the API and the site's search pages: counts kept until the registry's next
write, and deep pages that read their ids from the order's index before their rows."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils.functional import cached_property

from .derived import UNREAD, records_key, registry_cached
from .lean import AnyOf

# From this offset on, a page reads its ids first (RegistryPaginator.rows).
DEEP_OFFSET = 1000


class RegistryPaginator(Paginator):
    """Django's paginator, with two changes for large lists of records.

    - The count is kept in the cache until the registry's next write (sscregistry/derived.py):
      counting 18,000 matches of a common word, or up to the API's cap, is most of a list's
      database time. `changed` is the time of that write when the caller has read it (saves a query).
    - Deep in a list, OFFSET makes the database build and skip every row before the page: at page
      4,500 of the partnerships, a sort of 90,000 whole rows (290 ms). There, the page's ids come
      first, from the order's index alone (15 ms), then their rows. `records` is the same records
      before values() joined in the columns' tables, when the list is of values() rows: a join,
      even one the planner then removes, keeps it from reading the ids from the index.
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
        if bottom < DEEP_OFFSET:
            self.page_query = records[bottom:top]
            return self.page_query
        ids = list(source.values_list("pk", flat=True)[bottom:top])
        # The same ordering (ending with the id, so total) over the page's rows alone gives them in
        # the same order.
        return list(records.filter(AnyOf("pk", ids))) if ids else []
