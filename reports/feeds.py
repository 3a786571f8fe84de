"""Feeds of newly published publications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from registry.feeds import RecordFeed, as_html

from .models import Publication


class PublicationFeed(RecordFeed):
    kind = "publication"
    description = "Publications newly published in the registry of South-South and triangular cooperation."

    def records(self, request: HttpRequest) -> QuerySet:
        return Publication.objects.published()

    def title(self, request: HttpRequest) -> str:
        return "New publications · SSC Registry"

    def link(self, request: HttpRequest) -> str:
        return reverse("reports:publication-list")

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return as_html(item.summary)

    def item_categories(self, item: Publication) -> list[str]:
        return [item.get_publication_type_display()]
