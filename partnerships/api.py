"""API viewsets for partnerships, partners, people and the reference vocabularies."""

from __future__ import annotations

from django.db.models import Prefetch

from registry.rest import ReferenceViewSet, record_viewset
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
from .shapes import PARTNER, PARTNERSHIP, PERSON

PartnershipViewSet = record_viewset(PARTNERSHIP, PartnershipFilter, serializers.PartnershipWriteSerializer)
PartnerViewSet = record_viewset(PARTNER, PartnerFilter, serializers.PartnerWriteSerializer)
PersonViewSet = record_viewset(PERSON, PersonFilter, serializers.PersonWriteSerializer)


class SDGViewSet(ReferenceViewSet):
    """The 17 Sustainable Development Goals with their targets."""

    queryset = SustainableDevelopmentGoal.objects.prefetch_related(
        Prefetch("targets", queryset=SDGTarget.objects.order_by("sort_key"))
    )
    serializer_class = serializers.SDGSerializer
    lookup_field = "code"


class CountryViewSet(ReferenceViewSet):
    """Countries with their UN M49 regions, LDC/LLDC/SIDS flags and the curated Global South flag."""

    queryset = Country.objects.select_related("region", "subregion", "intermediate_region").order_by(
        "name", "code"
    )
    serializer_class = serializers.CountrySerializer
    lookup_field = "code"


class RegionViewSet(ReferenceViewSet):
    """UN M49 regions, sub-regions and intermediate regions."""

    queryset = Region.objects.order_by("code")
    serializer_class = serializers.RegionSerializer
    lookup_field = "code"


class PlatformViewSet(ReferenceViewSet):
    queryset = Platform.objects.order_by("name", "id")
    serializer_class = serializers.PlatformSerializer
    lookup_field = "slug"


class OrganisationTypeViewSet(ReferenceViewSet):
    """IATI OrganisationType codes."""

    queryset = OrganisationType.objects.order_by("code")
    serializer_class = serializers.OrganisationTypeSerializer
    lookup_field = "code"


class LanguageViewSet(ReferenceViewSet):
    """Languages by ISO 639-1 code."""

    queryset = Language.objects.order_by("name", "code")
    serializer_class = serializers.LanguageSerializer
    lookup_field = "code"
