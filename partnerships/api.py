"""API viewsets for partnerships, partners, people and the reference vocabularies."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from rest_framework.exceptions import NotFound

from registry.rest import record_viewset, reference_viewset
from vocabularies.models import (
    Country,
    Language,
    OrganisationType,
    Platform,
    Region,
    SDGTarget,
    SustainableDevelopmentGoal,
)

from . import serializers
from .filters import PartnerFilter, PartnershipFilter, PersonFilter
from .match_api import PartnerMatching
from .services import merged_into
from .shapes import PARTNER, PARTNERSHIP, PERSON

PartnershipViewSet = record_viewset(PARTNERSHIP, PartnershipFilter, serializers.PartnershipWriteSerializer)


class PartnerViewSet(
    PartnerMatching, record_viewset(PARTNER, PartnerFilter, serializers.PartnerWriteSerializer)
):  # type: ignore[misc]
    """Published records for everyone; drafts and writes for curators with model permissions."""

    def handle_exception(self, exc: Exception) -> Any:
        # A partner merged into another keeps answering, as its page does: a permanent redirect to
        # the partner it was merged into, the query string kept (partnerships.services.merge_partners).
        if (
            isinstance(exc, Http404 | NotFound)
            and self.action == "retrieve"
            and self.request.method in ("GET", "HEAD")
        ):
            survivor = merged_into(self.kwargs.get("slug", ""))
            if survivor is not None:
                location = reverse("partner-detail", kwargs={"slug": survivor.slug})
                query = self.request.META.get("QUERY_STRING", "")
                return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)
        return super().handle_exception(exc)


PersonViewSet = record_viewset(PERSON, PersonFilter, serializers.PersonWriteSerializer)


SDGViewSet = reference_viewset(
    SustainableDevelopmentGoal.objects.prefetch_related(
        Prefetch("targets", queryset=SDGTarget.objects.order_by("sort_key"))
    ),
    serializers.SDGSerializer,
    "The 17 Sustainable Development Goals with their targets.",
    name="SDG",
)
CountryViewSet = reference_viewset(
    Country.objects.select_related("region", "subregion", "intermediate_region").order_by("name", "code"),
    serializers.CountrySerializer,
    "Countries with their UN M49 regions, LDC/LLDC/SIDS flags and the curated Global South flag.",
)
RegionViewSet = reference_viewset(
    Region.objects.order_by("code"),
    serializers.RegionSerializer,
    "UN M49 regions, sub-regions and intermediate regions.",
)
PlatformViewSet = reference_viewset(
    Platform.objects.order_by("name", "id"), serializers.PlatformSerializer, lookup_field="slug"
)
OrganisationTypeViewSet = reference_viewset(
    OrganisationType.objects.order_by("code"),
    serializers.OrganisationTypeSerializer,
    "IATI OrganisationType codes.",
)
LanguageViewSet = reference_viewset(
    Language.objects.order_by("name", "code"), serializers.LanguageSerializer, "Languages by ISO 639-1 code."
)
