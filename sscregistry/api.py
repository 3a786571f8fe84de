"""The API's one router: every app's viewsets under /api/v1/, and the schema and its docs."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from events.api import EventViewSet
from partnerships.api import (
    CountryViewSet,
    LanguageViewSet,
    OrganisationTypeViewSet,
    PartnershipViewSet,
    PartnerViewSet,
    PersonViewSet,
    PlatformViewSet,
    RegionViewSet,
    SDGViewSet,
)
from reports.api import PublicationViewSet

from .rest import RegistryRouter

router = RegistryRouter()
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("partners", PartnerViewSet, basename="partner")
router.register("events", EventViewSet, basename="event")
router.register("publications", PublicationViewSet, basename="publication")
router.register("people", PersonViewSet, basename="person")
router.register("sdgs", SDGViewSet, basename="sdg")
router.register("countries", CountryViewSet, basename="country")
router.register("regions", RegionViewSet, basename="region")
router.register("platforms", PlatformViewSet, basename="platform")
router.register("organisation-types", OrganisationTypeViewSet, basename="organisation-type")
router.register("languages", LanguageViewSet, basename="language")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("", include(router.urls)),
]
