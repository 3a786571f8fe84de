"""Public pages and files of publications. Every queryset starts from `published()`."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from events.models import Event
from partnerships.models import Partnership
from partnerships.views import published_parts
from registry.search_pages import FacetedSearchView
from registry.templatetags.registry import language_name
from registry.workflow import Status

from .filters import PublicationFilter
from .models import (
    Authorship,
    LanguageVersion,
    Publication,
    PublicationOrganisation,
    PublicationRelation,
    with_title_languages,
)
from .uploads import CONTENT_TYPES, file_extension, publication_file_url


class PublicationListView(FacetedSearchView):
    """The publications library: search, and filters by type, language, year, partner and series."""

    heading = _lazy("Publications")
    search_label = _lazy("Search publications")
    filterset_class = PublicationFilter
    default_ordering = "-publication_date"

    def get_queryset(self) -> QuerySet[Publication]:
        return Publication.objects.published().select_related("series")

    def facet_label(self, name: str, row: dict[str, Any]) -> str:
        if name in ("partner", "series", "year"):
            return str(row["label"])
        if name == "language":
            return language_name(row["value"], row["label"])
        return super().facet_label(name, row)

    def facet_groups(self, counts: dict[str, list[dict[str, Any]]]) -> list[Any]:
        # Years read best newest first, not by count.
        counts = dict(counts, year=sorted(counts.get("year", []), key=lambda row: -int(row["value"])))
        return super().facet_groups(counts)

    def decorate(self, records: list[Publication]) -> list[Publication]:
        prefetch_related_objects(
            records,
            Prefetch("language_versions", queryset=LanguageVersion.objects.select_related("language")),
            Prefetch(
                "organisation_roles",
                queryset=PublicationOrganisation.objects.filter(
                    partner__status=Status.PUBLISHED, role=PublicationOrganisation.Role.PUBLISHER
                ).select_related("partner"),
                to_attr="publishers",
            ),
        )
        return with_title_languages(records)


class PublicationDetailView(DetailView):
    template_name = "reports/publication_detail.html"

    def get_queryset(self):
        return (
            Publication.objects.published()
            .select_related("series", "launched_at")
            .prefetch_related(
                published_parts("authorships", Authorship, "person"),
                published_parts("organisation_roles", PublicationOrganisation, "partner"),
                "language_versions__language",
                published_parts("relations", PublicationRelation, "target"),
                published_parts("inverse_relations", PublicationRelation, "source"),
                "sources",
                Prefetch("partnerships", queryset=Partnership.objects.published().order_by("title", "id")),
                Prefetch("related_events", queryset=Event.objects.published().order_by("-start", "id")),
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
        for version in versions:
            version.download_url = (
                publication_file_url(self.object.slug, version.file.name) if version.file else ""
            )
        context["versions"] = versions
        return context


@require_safe
def publication_file(request: HttpRequest, slug: str, filename: str) -> FileResponse:
    """An uploaded file of a published publication; of a draft only for curators (a preview).

    Anyone else gets the same 404 as for a file that does not exist, so a draft's address tells
    nothing. Streamed from whichever storage holds the files (disk, or a bucket).
    """
    versions = (
        LanguageVersion.objects.filter(publication__slug=slug).exclude(file="").select_related("publication")
    )
    version = next((v for v in versions if os.path.basename(v.file.name) == filename), None)
    if version is None:
        raise Http404("No such file.")
    published = version.publication.is_published
    if not published and not admin.site.may_preview(request, Publication):
        raise Http404("No such file.")
    content_type, inline = CONTENT_TYPES.get(file_extension(filename), ("application/octet-stream", False))
    storage = version.file.storage
    try:
        handle = storage.open(version.file.name, "rb")
    except FileNotFoundError:
        raise Http404("No such file.") from None
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    # The declared type only: a file that looks like HTML is never run as a page of this site.
    response["X-Content-Type-Options"] = "nosniff"
    if published:
        patch_cache_control(response, public=True, max_age=settings.PUBLICATION_FILE_CACHE_SECONDS)
    else:
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response
