"""The API's one router: every app's viewsets under /api/v1/, and the schema and its docs."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

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
from registry.everything import AutocompleteAPIView, SearchEverythingAPIView
from registry.rest import RegistryRouter
from reports.api import PublicationViewSet

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

# The documentation pages run under the site's Content-Security-Policy: Swagger UI's start-up script
# is served as a file (the "split" view), and both viewers may set inline styles and start a worker.
DOCS_CSP = {
    "style-src": [SELF, UNSAFE_INLINE],
    "worker-src": [SELF, "blob:"],
    "img-src": [SELF, "data:", "blob:"],
}

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        csp_update(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/", csp_update(DOCS_CSP)(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"
    ),
    path("search/", SearchEverythingAPIView.as_view(), name="api-search"),
    path("autocomplete/", AutocompleteAPIView.as_view(), name="api-autocomplete"),
    path("", include(router.urls)),
]
