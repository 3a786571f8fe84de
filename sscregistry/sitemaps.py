"""Sitemaps: every published record page, with the time it last changed, and the list pages.

/sitemap.xml is an index of one sitemap per section (/sitemap-<section>.xml), each paged at the
protocol's 50,000 addresses, so the registry can grow past that without breaking the protocol.
"""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, QuerySet
from django.urls import reverse

from events.models import Event
from partnerships.base import PublishableModel
from partnerships.models import Partner, Partnership
from reports.models import Publication


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


class PartnerSitemap(RecordSitemap):
    model = Partner


class PartnershipSitemap(RecordSitemap):
    model = Partnership


class EventSitemap(RecordSitemap):
    model = Event


class PublicationSitemap(RecordSitemap):
    model = Publication


class PageSitemap(Sitemap):
    """The home page, the list pages and the open-data page."""

    def items(self) -> list[str]:
        return [
            "home",
            "partnerships:partnership-list",
            "partnerships:partner-list",
            "events:event-list",
            "reports:publication-list",
            "open-data",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PageSitemap,
    "partners": PartnerSitemap,
    "partnerships": PartnershipSitemap,
    "events": EventSitemap,
    "publications": PublicationSitemap,
}
