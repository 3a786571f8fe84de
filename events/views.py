"""Public pages and calendars for events. Every queryset starts from `published()`."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from partnerships.base import Status
from partnerships.models import Partner, Partnership
from reports.models import Publication
from sscregistry.interim_filters import filter_events

from .ical import calendar_response, events_calendar
from .models import Event, EventOrganiser, EventParticipant


class EventListView(ListView):
    template_name = "events/event_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Event.objects.published().select_related("country")


class EventDetailView(DetailView):
    template_name = "events/event_detail.html"

    def get_queryset(self):
        return (
            Event.objects.published()
            .select_related("country", "parent")
            .prefetch_related(
                Prefetch(
                    "organiser_roles",
                    queryset=EventOrganiser.objects.filter(partner__status=Status.PUBLISHED).select_related(
                        "partner"
                    ),
                ),
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
                Prefetch(
                    "publications",
                    queryset=Publication.objects.published().order_by("-publication_date", "id"),
                ),
                Prefetch(
                    "launched_publications",
                    queryset=Publication.objects.published().order_by("-publication_date", "id"),
                ),
            )
        )

    def get_object(self, queryset: QuerySet[Event] | None = None) -> Event:
        event = super().get_object(queryset)
        if event.parent_id and not event.parent.is_published:
            event.parent = None
        return event


def _calendar_events():
    return Event.objects.published().with_day_precision().select_related("country").order_by("start", "id")


@require_safe
@cache_control(public=True, max_age=900)
def events_ics(request: HttpRequest) -> HttpResponse:
    """Every upcoming published event (or `?when=past`), filtered like the events list."""
    events = _calendar_events()
    if "when" not in request.GET:
        events = events.upcoming()
    events = filter_events(request, events)
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
    """Every published event a published partner organises, past and upcoming."""
    partner = get_object_or_404(Partner.objects.published(), slug=slug)
    events = _calendar_events().by_partner(partner)
    calendar = events_calendar(
        events, name=f"{partner} events · SSC Registry", absolute_url=request.build_absolute_uri
    )
    return calendar_response(calendar, filename=f"{partner.slug}-events.ics", attachment=False)
