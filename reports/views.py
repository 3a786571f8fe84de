"""Public pages for publications. Every queryset starts from `published()`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.views.generic import DetailView, ListView

from events.models import Event
from partnerships.base import Status
from partnerships.models import Partnership

from .models import Authorship, Publication, PublicationOrganisation, PublicationRelation


class PublicationListView(ListView):
    template_name = "reports/publication_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Publication.objects.published().select_related("series")


class PublicationDetailView(DetailView):
    template_name = "reports/publication_detail.html"

    def get_queryset(self):
        return (
            Publication.objects.published()
            .select_related("series", "launched_at")
            .prefetch_related(
                Prefetch(
                    "authorships",
                    queryset=Authorship.objects.filter(person__status=Status.PUBLISHED).select_related(
                        "person"
                    ),
                ),
                Prefetch(
                    "organisation_roles",
                    queryset=PublicationOrganisation.objects.filter(
                        partner__status=Status.PUBLISHED
                    ).select_related("partner"),
                ),
                "language_versions__language",
                Prefetch(
                    "relations",
                    queryset=PublicationRelation.objects.filter(
                        target__status=Status.PUBLISHED
                    ).select_related("target"),
                ),
                Prefetch(
                    "inverse_relations",
                    queryset=PublicationRelation.objects.filter(
                        source__status=Status.PUBLISHED
                    ).select_related("source"),
                ),
                "sources",
                Prefetch("partnerships", queryset=Partnership.objects.published().order_by("title", "id")),
                Prefetch(
                    "related_events", queryset=Event.objects.published().order_by("-start", "id")
                ),
                "sdgs",
                "themes",
            )
        )

    def get_object(self, queryset: QuerySet[Publication] | None = None) -> Publication:
        publication = super().get_object(queryset)
        if publication.launched_at_id and not publication.launched_at.is_published:
            publication.launched_at = None
        return publication

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        versions = list(self.object.language_versions.all())
        original = next((v for v in versions if v.is_original), versions[0] if versions else None)
        # The record's title is in its original language; mark it so screen readers switch voice.
        context["title_language"] = original.language_id if original else ""
        context["versions"] = versions
        return context
