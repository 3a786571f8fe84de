"""Query-string filters for the open-data outputs, until the shared FilterSets take over.

One function per resource, each `(request, queryset) -> queryset`, raising `BadRequest` (400) for a
value it cannot read. The calendar, feed and IATI views call exactly these two functions, so
switching them to the django-filter FilterSets (`events/filters.py`, `partnerships/filters.py`) is a
change here and nowhere else (see docs/open-data.md).
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest

from events.models import Event

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")


def _one(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()


def _country_code(request: HttpRequest) -> str:
    value = _one(request, "country")
    if value and not _COUNTRY.match(value):
        raise BadRequest("country must be an ISO 3166-1 alpha-2 code such as RW.")
    return value.upper()


def filter_events(request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
    """`country` (ISO alpha-2), `type` (an event type), `when` (`upcoming` or `past`)."""
    if country := _country_code(request):
        queryset = queryset.filter(country_id=country)
    if event_type := _one(request, "type"):
        if event_type not in Event.Type.values:
            raise BadRequest(f"type must be one of {', '.join(Event.Type.values)}.")
        queryset = queryset.filter(event_type=event_type)
    when = _one(request, "when")
    if when == "upcoming":
        queryset = queryset.upcoming()
    elif when == "past":
        queryset = queryset.past()
    elif when:
        raise BadRequest("when must be 'upcoming' or 'past'.")
    return queryset


def filter_partnerships(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """`platform` (slug), `sdg` (1 to 17), `country` (ISO alpha-2), `modality` (code), `q` (title)."""
    if platform := _one(request, "platform"):
        if not _SLUG.match(platform):
            raise BadRequest("platform must be a platform's slug, such as cities.")
        queryset = queryset.filter(platforms__slug=platform)
    if sdg := _one(request, "sdg"):
        if not sdg.isdigit() or not 1 <= int(sdg) <= 17:
            raise BadRequest("sdg must be a goal number from 1 to 17.")
        queryset = queryset.filter(sdgs=int(sdg))
    if country := _country_code(request):
        queryset = queryset.filter(countries=country)
    if modality := _one(request, "modality"):
        if not _SLUG.match(modality):
            raise BadRequest("modality must be a modality code, such as triangular.")
        queryset = queryset.filter(modalities=modality)
    if q := _one(request, "q"):
        if len(q) > 200:
            raise BadRequest("q is limited to 200 characters.")
        queryset = queryset.filter(title__icontains=q)
    # Joins through many-to-many filters repeat rows.
    return queryset.distinct()
