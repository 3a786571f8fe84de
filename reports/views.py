"""Public pages for publications. Every queryset starts from `published()`."""

from __future__ import annotations

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from partnerships.base import Status

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
            )
        )
