"""Feeds of newly published partnerships, for any search: /partnerships/feed/?<filters>."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from registry.feeds import RecordFeed, as_html

from .filters import PartnershipFilter
from .models import Partnership


class PartnershipFeed(RecordFeed):
    kind = "partnership"
    description = "Partnerships newly published in the registry of South-South and triangular cooperation."

    def records(self, request: HttpRequest) -> QuerySet:
        queryset = Partnership.objects.published().prefetch_related(
            "modalities", Prefetch("sdgs", to_attr="goal_list")
        )
        return PartnershipFilter.filtered(request, queryset)

    def title(self, request: HttpRequest) -> str:
        if request.GET:
            return "Partnerships matching a search · SSC Registry"
        return "New partnerships · SSC Registry"

    def link(self, request: HttpRequest) -> str:
        query = request.GET.urlencode()
        return reverse("partnerships:partnership-list") + (f"?{query}" if query else "")

    def item_title(self, item: Partnership) -> str:
        return item.title

    def item_description(self, item: Partnership) -> str:
        return as_html(item.summary or item.objective or item.description)

    def item_categories(self, item: Partnership) -> list[str]:
        return [m.name for m in item.modalities.all()] + [f"SDG {g.code}" for g in item.goal_list]
