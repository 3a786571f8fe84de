"""API viewsets for partnerships, partners, people and the reference vocabularies."""

from __future__ import annotations

from django.db.models import Prefetch

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
from .shapes import PARTNER, PARTNERSHIP, PERSON

PartnershipViewSet = record_viewset(PARTNERSHIP, PartnershipFilter, serializers.PartnershipWriteSerializer)


class PartnerViewSet(
    PartnerMatching, record_viewset(PARTNER, PartnerFilter, serializers.PartnerWriteSerializer)
):  # type: ignore[misc]
    """Published records for everyone; drafts and writes for curators with model permissions."""


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
