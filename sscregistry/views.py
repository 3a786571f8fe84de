"""Project-level views."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.generic import TemplateView

from events.models import Event
from partnerships.charts import bar_list, world_map, year_columns
from partnerships.facets import facet_counts
from partnerships.filters import PartnershipFilter
from partnerships.models import (
    Country,
    Partner,
    Partnership,
    Region,
    SustainableDevelopmentGoal,
    localised_country_name,
)
from reports.models import Publication
from reports.views import with_title_languages

from .dataset import DUMP_NAME, latest_dump
from .derived import record_set_key, registry_cached


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


def partnership_list_url(**params: Any) -> str:
    """The partnership search with these filters, e.g. `partnership_list_url(sdg=4)`."""
    return f"{reverse('partnerships:partnership-list')}?{urlencode(params)}"


def country_numbers() -> dict[str, tuple[str, str]]:
    """ISO alpha-2 -> (numeric code, name in the interface language), for the maps (one query)."""
    rows = Country.objects.values_list("code", "numeric", "name", "name_fr", "name_es")
    return {code: (numeric, localised_country_name(name, fr, es)) for code, numeric, name, fr, es in rows}


def partnership_charts(
    partnerships: QuerySet[Partnership], *, within: dict[str, str] | None = None
) -> dict[str, Any]:
    """Bars by SDG, platform and region, columns by start year and the world map, for `partnerships`.

    The counts come from the search page's facets, so a chart's bar and the search it links to (with
    the `within` filters added, e.g. a partner) agree.
    """
    within = within or {}
    records = record_set_key(partnerships)
    if records is None:
        return _partnership_charts(partnerships, within)
    parts = ("charts", records, tuple(sorted(within.items())))
    return registry_cached(parts, lambda: _partnership_charts(partnerships, within))


def _partnership_charts(partnerships: QuerySet[Partnership], within: dict[str, str]) -> dict[str, Any]:
    def link(**params: Any) -> str:
        return partnership_list_url(**within, **params)

    filterset = PartnershipFilter({}, queryset=partnerships)
    facets = facet_counts(filterset)
    colours = dict(SustainableDevelopmentGoal.objects.values_list("code", "colour"))
    sdg_bars = bar_list(
        (
            {
                "label": f"{row['value']}. {_(row['label'])}",
                "count": row["count"],
                "url": link(sdg=row["value"]),
                "colour": colours.get(row["value"]),
            }
            for row in facets["sdg"]
        ),
        limit=17,
    )
    platform_bars = bar_list(
        {"label": row["label"], "count": row["count"], "url": link(platform=row["value"])}
        for row in facets["platform"]
    )
    # The top level of the M49 tree (Africa, Americas, Asia, Europe, Oceania) reads best on a small chart.
    top_regions = set(
        Region.objects.filter(level=Region.Level.REGION, parent__isnull=False).values_list("code", flat=True)
    )
    region_bars = bar_list(
        {"label": _(row["label"]), "count": row["count"], "url": link(region=row["value"])}
        for row in facets["region"]
        if row["value"] in top_regions
    )
    years = dict(
        partnerships.filter(start_date__isnull=False)
        .annotate(year=ExtractYear("start_date"))
        .order_by()
        .values_list("year")
        .annotate(count=Count("pk"))
    )
    numbers = country_numbers()
    by_numeric = {
        numbers[row["value"]][0]: row["count"] for row in facets["country"] if row["value"] in numbers
    }
    alpha2 = {numeric: code for code, (numeric, _name) in numbers.items()}
    return {
        "sdg_bars": sdg_bars,
        "platform_bars": platform_bars,
        "region_bars": region_bars,
        "year_chart": year_columns(
            years, url=lambda year: link(started_after=f"{year}-01-01", started_before=f"{year}-12-31")
        ),
        "world": world_map(
            by_numeric,
            names=dict(numbers.values()),
            url=lambda numeric: link(country=alpha2[numeric]),
        ),
    }


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
