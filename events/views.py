"""Public pages and calendars for events. Every queryset starts from `published()`."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from partnerships.models import Partner, Partnership
from partnerships.views import localised_country_names, published_parts
from registry.search_pages import FacetedSearchView
from registry.workflow import Status

from .calendar import month_bounds, month_grid, shift_month
from .filters import EventFilter
from .ical import calendar_response, events_calendar
from .models import Event, EventOrganiser, EventParticipant


class EventFacets:
    """The events pages' sidebar: the API's event facets, labels in the interface language."""

    filterset_class = EventFilter

    def facet_groups(self, counts: dict[str, list[dict[str, Any]]]) -> list[Any]:
        self.country_names = localised_country_names() if get_language() != "en" else {}
        return super().facet_groups(counts)

    def facet_label(self, name: str, row: dict[str, Any]) -> str:
        if name == "country":
            return self.country_names.get(row["value"], row["label"])
        if name == "organiser":
            return row["label"]
        return super().facet_label(name, row)


class EventListView(EventFacets, FacetedSearchView):
    """Upcoming events (not ended yet), soonest first, with the API's filters and facets."""

    heading = _lazy("Events")
    search_label = _lazy("Search events")
    when = "upcoming"
    sort_options = [
        ("start", _lazy("Soonest first")),
        ("-start", _lazy("Latest first")),
        ("title", _lazy("Title (A–Z)")),
    ]

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.published().select_related("country", "parent")

    def filter_data(self) -> QueryDict:
        data = self.request.GET.copy()
        data.setlist("when", [self.when])
        if not data.get("ordering") and not data.get("q", "").strip():
            data.setlist("ordering", [self.sort_options[0][0]])
        return data

    def api_fixed_params(self) -> dict[str, str]:
        return {"when": self.when}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["when"] = self.when
        today = timezone.localdate()
        context["calendar_url"] = _with_query(
            reverse("events:event-calendar-month", args=[today.year, today.month]),
            self.request.GET,
            drop=("page", "ordering", "q"),
        )
        # The Upcoming and Past tabs keep the search and filters (each tab has its own orders).
        context["upcoming_url"] = _with_query(
            reverse("events:event-list"), self.request.GET, drop=("page", "ordering")
        )
        context["past_url"] = _with_query(
            reverse("events:event-past"), self.request.GET, drop=("page", "ordering")
        )
        if not context["records"] and not context["errors"] and context["chips"]:
            context["other_count"] = self.other_tab_count()
        return context

    def other_tab_count(self) -> int:
        """How many published events the other tab (past for upcoming, upcoming for past) holds
        for the same search and filters: an empty search of upcoming events (the default tab)
        points to the past ones it found, such as a 2023 event looked for by its city."""
        data = self.request.GET.copy()
        data.setlist("when", ["past" if self.when == "upcoming" else "upcoming"])
        data.pop("ordering", None)
        other = self.filterset_class(data, queryset=self.get_queryset(), request=self.request)
        return other.qs.count() if other.is_valid() else 0


class PastEventListView(EventListView):
    """Events that have ended, latest first."""

    when = "past"
    sort_options = [
        ("-start", _lazy("Latest first")),
        ("start", _lazy("Earliest first")),
        ("title", _lazy("Title (A–Z)")),
    ]


class EventCalendarView(EventFacets, FacetedSearchView):
    """A month of events on a calendar grid, with the list pages' filters (day-precise events only)."""

    template_name = "events/event_calendar.html"
    api_links = False  # a month of the calendar has no address in the API
    # A month holds far fewer events than this; the grid needs them all on one page.
    paginate_by = 1000

    def get_queryset(self) -> QuerySet[Event]:
        year, month = self.month()
        start, end = month_bounds(year, month)
        return (
            Event.objects.published()
            .with_day_precision()
            .filter(start__lt=end, end__gte=start)
            .select_related("country")
            .order_by("start", "id")
        )

    def month(self) -> tuple[int, int]:
        if "year" in self.kwargs:
            year, month = self.kwargs["year"], self.kwargs["month"]
            if not (1 <= month <= 12 and 1900 <= year <= 2100):
                raise Http404("No such month.")
            return year, month
        today = timezone.localdate()
        return today.year, today.month

    def filter_data(self) -> QueryDict:
        data = self.request.GET.copy()
        data.setlist("ordering", ["start"])
        return data

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year, month = self.month()
        events = context["records"]
        previous, following = shift_month(year, month, -1), shift_month(year, month, 1)
        query = self.request.GET

        def month_url(y: int, m: int) -> str:
            return _with_query(
                reverse("events:event-calendar-month", args=[y, m]), query, drop=("page", "ordering")
            )

        today = timezone.localdate()
        context.update(
            {
                "weeks": month_grid(year, month, events, today),
                "month_start": datetime.date(year, month, 1),
                "month_events": events,
                "previous_url": month_url(*previous),
                "next_url": month_url(*following),
                "this_month_url": month_url(today.year, today.month),
                "weekdays": [datetime.date(2024, 1, day) for day in range(1, 8)],  # a Monday-to-Sunday week
                "when": "calendar",
            }
        )
        return context


def _with_query(path: str, query: QueryDict, drop: tuple[str, ...] = ()) -> str:
    kept = query.copy()
    for name in drop:
        kept.pop(name, None)
    encoded = kept.urlencode()
    return f"{path}?{encoded}" if encoded else path


def _published_publications(relation: str) -> QuerySet:
    publications = Event._meta.get_field(relation).related_model
    return publications.objects.published().order_by("-publication_date", "id")


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return (
            Event.objects.published()
            .select_related("country", "parent")
            .prefetch_related(
                published_parts("organiser_roles", EventOrganiser, "partner"),
                Prefetch(
                    "participants",
                    queryset=EventParticipant.objects.filter(
                        Q(person__isnull=True) | Q(person__status=Status.PUBLISHED)
                    ).select_related("person", "representing"),
                ),
                "registration_links",
                "sources",
                Prefetch("side_events", queryset=Event.objects.published().order_by("start", "id")),
                Prefetch("partnerships", queryset=Partnership.objects.published().order_by("title", "id")),
                # Publications link to events (their app builds on this one): reached through the
                # reverse relations rather than imported.
                Prefetch("publications", queryset=_published_publications("publications")),
                Prefetch("launched_publications", queryset=_published_publications("launched_publications")),
            )
        )

    def get_object(self, queryset: QuerySet[Event] | None = None) -> Event:
        event = super().get_object(queryset)
        if event.parent_id and not event.parent.is_published:
            event.parent = None
        return event


def _calendar_events():
    return Event.objects.published().with_day_precision().select_related("country").order_by("start", "id")


def _nearest(events: QuerySet[Event], *, past: bool) -> QuerySet[Event]:
    """At most settings.CALENDAR_MAX_EVENTS events: the next ones, or the latest when `past`."""
    ordering = ("-start", "-id") if past else ("start", "id")
    return events.order_by(*ordering)[: settings.CALENDAR_MAX_EVENTS]


@require_safe
@cache_control(public=True, max_age=900)
def events_ics(request: HttpRequest) -> HttpResponse:
    """The next published events (or the latest past ones with `?when=past`), filtered like the
    events list, at most settings.CALENDAR_MAX_EVENTS of them."""
    events = _calendar_events()
    if "when" not in request.GET:
        events = events.upcoming()
    events = _nearest(EventFilter.filtered(request, events), past=request.GET.get("when") == "past")
    calendar = events_calendar(events, name="SSC Registry events", absolute_url=request.build_absolute_uri)
    return calendar_response(calendar, filename="ssc-registry-events.ics", attachment=False)


@require_safe
@cache_control(public=True, max_age=900)
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """One event, for 'Add to calendar'."""
    event = get_object_or_404(_calendar_events(), slug=slug)
    calendar = events_calendar([event], name=event.title, absolute_url=request.build_absolute_uri)
    return calendar_response(calendar, filename=f"{event.slug}.ics", attachment=True)


@require_safe
@cache_control(public=True, max_age=900)
def partner_events_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """The published events a published partner organises, upcoming and past (the latest first)."""
    partner = get_object_or_404(Partner.objects.published(), slug=slug)
    events = _nearest(_calendar_events().by_partner(partner), past=True)
    calendar = events_calendar(
        events, name=f"{partner} events · SSC Registry", absolute_url=request.build_absolute_uri
    )
    return calendar_response(calendar, filename=f"{partner.slug}-events.ics", attachment=False)
