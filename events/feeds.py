"""Feeds of newly published events."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from registry.feeds import RecordFeed, as_html
from registry.templatetags.registry import event_when

from .filters import EventFilter
from .ical import event_location
from .models import Event


class EventFeed(RecordFeed):
    kind = "event"
    description = "Events newly published in the registry of South-South and triangular cooperation."

    def records(self, request: HttpRequest) -> QuerySet:
        return EventFilter.filtered(request, Event.objects.published().select_related("country"))

    def title(self, request: HttpRequest) -> str:
        return "New events · SSC Registry"

    def link(self, request: HttpRequest) -> str:
        return reverse("events:event-list")

    def item_title(self, item: Event) -> str:
        if item.event_status != Event.EventStatus.SCHEDULED:
            return f"{item.title} ({item.get_event_status_display()})"
        return item.title

    def item_description(self, item: Event) -> str:
        facts = " · ".join(part for part in (event_when(item), event_location(item)) if part)
        return as_html("\n\n".join(part for part in (facts, item.theme, item.description) if part))

    def item_categories(self, item: Event) -> list[str]:
        return [item.get_event_type_display()]
