"""The events FilterSet, shared by the API and the public event pages (conventions in
partnerships/filters.py)."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.filters import PartnerSlugFilter, partner_facet
from registry.facets import TokenIndex
from registry.filters import RegistryFilterSet, StableOrderingFilter, WindowDateFilter
from vocabularies.filters import CountryFilter

from .models import Event, EventOrganiser


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


EVENT_TOKENS = TokenIndex("events.Event", "events.EventFacets", "events.EventFacetCount", "event_id")


class EventFilter(RegistryFilterSet):
    volatile_filters = frozenset({"when"})

    when = django_filters.ChoiceFilter(
        choices=[("upcoming", "Upcoming (not ended yet)"), ("past", "Past (already ended)")],
        method="filter_when",
        help_text="`upcoming`: events that have not ended; `past`: events that have ended.",
    )
    starts_after = WindowDateFilter(
        method="filter_starts_after", help_text="Starting on or after this day (YYYY-MM-DD, UTC)."
    )
    starts_before = WindowDateFilter(
        method="filter_starts_before", help_text="Starting on or before this day (YYYY-MM-DD, UTC)."
    )
    country = CountryFilter(help_text="ISO 3166-1 alpha-2 code of the host country, e.g. `RW`.")
    city = django_filters.CharFilter(
        field_name="city",
        lookup_expr="unaccent__iexact",
        max_length=100,
        help_text="City name, case and accents ignored, e.g. `kigali`.",
    )
    attendance_mode = django_filters.MultipleChoiceFilter(
        choices=Event.AttendanceMode.choices, help_text="How people attend."
    )
    type = django_filters.MultipleChoiceFilter(
        field_name="event_type", choices=Event.Type.choices, help_text="The kind of event."
    )
    status = django_filters.MultipleChoiceFilter(
        field_name="event_status",
        choices=Event.EventStatus.choices,
        help_text="Whether the event goes ahead as announced.",
    )
    organiser = PartnerSlugFilter(
        method="filter_organiser", help_text="Slug of a partner organising, hosting or sponsoring the event."
    )
    ordering = StableOrderingFilter(fields=["start", "title", "updated_at"])

    # Counted from the tokens the database keeps for each event (as partnerships' facets are);
    # `link` is each facet counted over the tables, which the tokens must always agree with.
    facets = {
        "type": EVENT_TOKENS.choice("type", Event, "event_type", title=_("Type")),
        "attendance_mode": EVENT_TOKENS.choice(
            "attendance_mode", Event, "attendance_mode", title=_("Attendance")
        ),
        "status": EVENT_TOKENS.choice("status", Event, "event_status", title=_("Status")),
        "country": EVENT_TOKENS.linked("country", Event, "pk", "country", title=_("Country")),
        "organiser": partner_facet(EVENT_TOKENS, "organiser", EventOrganiser, "event", title=_("Organiser")),
    }

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_when(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        # To the minute: the list's count, facet counts and search decision are cached under the
        # WHERE clause this writes the time into (`record_set_key`, registry/cache.py), so
        # they agree on the minute; with the microsecond in it, each request counted afresh.
        now = timezone.now().replace(second=0, microsecond=0)
        if value == "upcoming":
            return queryset.upcoming(now)
        if value == "past":
            return queryset.past(now)
        return queryset

    def filter_starts_after(
        self, queryset: models.QuerySet, name: str, value: datetime.date
    ) -> models.QuerySet:
        return queryset.filter(start__gte=_start_of_day(value)) if value else queryset

    def filter_starts_before(
        self, queryset: models.QuerySet, name: str, value: datetime.date
    ) -> models.QuerySet:
        return queryset.filter(start__lt=_start_of_day(value + datetime.timedelta(days=1)))

    def filter_organiser(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        organised = EventOrganiser.objects.filter(event=OuterRef("pk"), partner__in=value)
        return queryset.filter(Exists(organised))
