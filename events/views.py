"""Public pages for events. Every queryset starts from `published()`."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.views.generic import DetailView, ListView

from partnerships.base import Status

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
                Prefetch("side_events", queryset=Event.objects.published()),
            )
        )
