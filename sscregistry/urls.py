"""The registry's URLs: the curators' admin, the public site and the API."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

admin.site.site_header = "SSC Registry curation"
admin.site.site_title = "SSC Registry"
admin.site.index_title = "Records and vocabularies"

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("sscregistry.api")),
    path("", include("partnerships.urls")),
    path("events/", include("events.urls")),
    path("publications/", include("reports.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
