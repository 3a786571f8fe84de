"""The sitemap: the site's pages, then one section per public record type (registry.site)."""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from .site import public_types
from .workflow import PublishableModel


class RecordSitemap(Sitemap):
    """Published records of one model; `lastmod` is the row's last change."""

    model: type[PublishableModel]

    def items(self) -> QuerySet:
        # Only the columns the sitemap prints, in a stable order for paging.
        return self.model.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, item: PublishableModel) -> datetime.datetime:
        return item.updated_at

    def get_latest_lastmod(self) -> datetime.datetime | None:
        # For the index: one aggregate rather than Django's default of reading every row.
        return self.model.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(Sitemap):
    """The home page, each record type's list page and the open-data page."""

    def items(self) -> list[str]:
        return ["home", *(record_type.list_url_name for record_type in public_types()), "open-data"]

    def location(self, item: str) -> str:
        return reverse(item)


def sitemaps() -> dict[str, type[Sitemap]]:
    """The sitemap index's sections: "pages", then each public record type's."""
    sections: dict[str, type[Sitemap]] = {"pages": PageSitemap}
    for record_type in public_types():
        sections[record_type.section] = type(
            f"{record_type.model.__name__}Sitemap", (RecordSitemap,), {"model": record_type.model}
        )
    return sections
