"""Project-level views."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import TemplateView

from events.models import Event
from partnerships.charts import partnership_charts
from partnerships.models import Partner, Partnership
from registry.cache import registry_cached
from reports.models import Publication, with_title_languages

from .dataset import DUMP_NAME, latest_dump


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the app can query its database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    """The open-data page: the latest bulk dump, and every feed, calendar and IATI file."""
    dump = latest_dump()
    context = {
        "dump": dump,
        "dump_size": dump.stat().st_size if dump else None,
        "dump_created": (
            datetime.datetime.fromtimestamp(dump.stat().st_mtime, tz=datetime.UTC) if dump else None
        ),
        "license": settings.DATA_LICENSE,
    }
    return render(request, "open_data.html", context)


@require_safe
def data_file(request: HttpRequest, filename: str) -> FileResponse:
    """One dump from DATA_DUMP_DIR, by its exact name (nothing else in the folder is served)."""
    if not DUMP_NAME.match(filename):
        raise Http404("No such dump.")
    path = settings.DATA_DUMP_DIR / filename
    if not path.is_file():
        raise Http404("No such dump.")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type="application/zip"
    )


@require_safe
def latest_data_file(request: HttpRequest) -> HttpResponse:
    """A stable address for scripts: redirects to the newest dump."""
    dump = latest_dump()
    if dump is None:
        raise Http404("No dump has been exported yet.")
    return redirect("data-file", filename=dump.name)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class HomeView(TemplateView):
    """What the registry is, a search box, headline counts, the latest records and small charts."""

    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partnerships = Partnership.objects.published()
        now = timezone.now()
        upcoming = list(
            Event.objects.published().upcoming(now).select_related("country").order_by("start", "id")[:5]
        )
        context.update(
            {
                "counts": registry_cached(
                    ("home-counts",),
                    lambda: {
                        "partnerships": partnerships.count(),
                        "partners": Partner.objects.published().count(),
                        "events": Event.objects.published().count(),
                        "publications": Publication.objects.published().count(),
                    },
                ),
                "latest_partnerships": partnerships.order_by("-published_at", "-id")[:5],
                "upcoming_events": upcoming,
                # With nothing coming up, the most recent events keep the panel useful.
                "recent_events": []
                if upcoming
                else Event.objects.published()
                .past(now)
                .select_related("country")
                .order_by("-start", "id")[:5],
                "latest_publications": with_title_languages(
                    list(Publication.objects.published().order_by("-publication_date", "-id")[:5])
                ),
                **partnership_charts(partnerships),
            }
        )
        return context


class AboutApiView(TemplateView):
    """How to use the API, with live example links built from real records."""

    template_name = "about_api.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["example_partnership"] = (
            Partnership.objects.published().order_by("-published_at", "-id").first()
        )
        context["example_partner"] = Partner.objects.published().order_by("-published_at", "-id").first()
        return context
