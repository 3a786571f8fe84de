"""The registry's URLs: the curators' admin, the public site, open data and the API.

The public pages are in `i18n_patterns`: English at the unprefixed addresses, French under /fr/ and
Spanish under /es/. Machine-readable addresses (admin, health, robots, sitemaps, calendars, the
data dumps, the API) have no language prefix.
"""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from events.views import events_ics, partner_events_ics
from partnerships.views import iati_activities, iati_organisations
from registry.everything import SearchEverythingView
from registry.sitemaps import sitemaps
from reports.views import publication_file

from .views import AboutApiView, HomeView, data_file, healthz, latest_data_file, open_data, robots_txt

SITEMAPS = sitemaps()

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Open data (docs/open-data.md).
    path("robots.txt", robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        require_safe(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("events.ics", events_ics, name="events-ics"),
    path("partners/<slug:slug>/events.ics", partner_events_ics, name="partner-events-ics"),
    path("data/latest.zip", latest_data_file, name="data-latest"),
    path("data/<str:filename>", data_file, name="data-file"),
    # Uploaded files: only a published publication's, never from MEDIA_URL (reports/uploads.py), in
    # development as in production.
    path("files/publications/<slug:slug>/<str:filename>", publication_file, name="publication-file"),
    # IATI files. They must stay before the API router's `api/v1/` include, which would otherwise
    # answer these addresses with its own 404.
    path("api/v1/partnerships/iati.xml", iati_activities, name="iati-activities"),
    path("api/v1/partners/iati-organisations.xml", iati_organisations, name="iati-organisations"),
    # OpenRefine's reconciliation services (registry/reconciliation.py), before the router too.
    path("api/v1/reconcile/", include("partnerships.reconcile")),
    path("api/v1/", include("sscregistry.api")),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("about/api/", AboutApiView.as_view(), name="about-api"),
    path("search/", SearchEverythingView.as_view(), name="search"),
    # The open-data page speaks the visitor's language; the files it lists (above) have one address.
    path("data/", open_data, name="open-data"),
    path("", include("partnerships.urls")),
    path("events/", include("events.urls")),
    path("publications/", include("reports.urls")),
    path("propose/", include("curation.urls")),
    prefix_default_language=False,
)

# Under /api/ the errors Django answers itself (no route, an unhandled exception) are JSON too.
handler400 = "registry.errors.bad_request"
handler403 = "registry.errors.permission_denied"
handler404 = "registry.errors.page_not_found"
handler500 = "registry.errors.server_error"
