"""The shared FilterSets, for views that are not API viewsets: feeds, calendars, IATI files.

Each function is `(request, queryset) -> queryset` and raises `BadRequest` (400) naming the
parameter whose value it cannot read, exactly as the API answers the same query string.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.http import HttpRequest

from events.filters import EventFilter
from partnerships.filters import PartnershipFilter, RegistryFilterSet


def apply_filterset(
    filterset_class: type[RegistryFilterSet], request: HttpRequest, queryset: QuerySet
) -> QuerySet:
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    if not filterset.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        raise BadRequest(problems)
    return filterset.qs


def filter_events(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """The events list's filters: `q`, `when`, `country`, `city`, `type`, `organiser`, dates, ..."""
    return apply_filterset(EventFilter, request, queryset)


def filter_partnerships(request: HttpRequest, queryset: QuerySet) -> QuerySet:
    """The partnership search's filters: `q`, `platform`, `sdg`, `country`, `region`, `modality`, ..."""
    return apply_filterset(PartnershipFilter, request, queryset)
