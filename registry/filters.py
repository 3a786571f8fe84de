"""The base of the registry's FilterSets, shared by the API and the public pages, and its filters.

Conventions for every registry FilterSet (events and publications follow them too):
- repeating a parameter means OR within it (`?platform=cities&platform=academia-and-youth`);
  different parameters combine with AND;
- a value that names nothing (`sdg=18`, `country=XX`, a draft partner's slug) is a validation
  error naming the parameter, never silently ignored; an empty value (`country=`) is no filter;
- `q` is the registry's search (registry/search.py), applied after every other filter so that
  its typo fallback only runs when the filtered list has no full-text match; with `q` the order is
  relevance unless `ordering` is given;
- every linked record that counts is published: a draft partner never makes a partnership match.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import BadRequest, ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .facets import Facet
from .search import MAX_QUERY_LENGTH, SearchOutcome, order_by_relevance, search
from .workflow import EARLIEST_DATE, LATEST_DATE


class AnyOfFilter(django_filters.ModelMultipleChoiceFilter):
    """Records linked to any of the chosen entries through a many-to-many field, each record once."""

    def filter(self, qs: models.QuerySet, value: Any) -> models.QuerySet:
        if not value:
            return qs
        # A semi-join keeps each record once without DISTINCT (which would fight relevance order).
        linked = qs.model._default_manager.filter(**{f"{self.field_name}__in": value}).values("pk")
        return qs.filter(pk__in=linked)


@extend_schema_field(OpenApiTypes.STR)
class LinkedSlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Records whose foreign key `field_name` points at any of the entries named by slug."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(**kwargs)

    def filter(self, qs: models.QuerySet, value: Any) -> models.QuerySet:
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=field` or `ordering=-field`; ties are always broken by id, so pages never overlap.
    Its help text names the fields."""

    def __init__(self, *, fields: list[str], **kwargs: Any) -> None:
        names = [f"`{field}`" for field in fields]
        listed = f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]
        kwargs.setdefault("help_text", f"Sort by {listed}; prefix `-` to reverse.")
        super().__init__(fields=fields, **kwargs)

    def filter(self, qs: models.QuerySet, value: Any) -> models.QuerySet:
        # Empty items are skipped (`ordering=,` once reached order_by("") and answered 500).
        ordering = [self.get_ordering_value(param) for param in value or [] if param]
        return qs.order_by(*ordering, "id") if ordering else qs


class WindowDateField(forms.DateField):
    """A date inside the registry's window (registry/workflow.py): nothing stored lies outside it,
    and a day past it once reached `date + 1 day` arithmetic (OverflowError, a 500)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        message = f"Enter a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}."
        self.validators.append(MinValueValidator(EARLIEST_DATE, message=message))
        self.validators.append(MaxValueValidator(LATEST_DATE, message=message))


class WindowDateFilter(django_filters.DateFilter):
    """The registry's date filter: YYYY-MM-DD from EARLIEST_DATE to LATEST_DATE, else a 400 naming
    the parameter and the range. Every RegistryFilterSet's date filters are of this class."""

    field_class = WindowDateField


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _without_blanks(data: Any) -> Any:
    """The query without empty values: `?country=` (a form's "any" choice) filters nothing, as an
    empty `q` or date already does, rather than naming a country that does not exist."""
    if not hasattr(data, "lists"):
        return data
    kept = data.copy()
    for name, values in data.lists():
        if any(value == "" for value in values):
            kept.setlist(name, [value for value in values if value != ""])
            if not kept.getlist(name):
                del kept[name]
    return kept


def _empty(value: Any) -> bool:
    """Whether a cleaned value is empty: left out, blank, or no choice (a multiple model choice
    cleans to an empty queryset, which this reads without a query)."""
    if isinstance(value, models.QuerySet):
        return value.query.is_empty()
    return value is None or (isinstance(value, (str, list, tuple)) and not value)


class RegistryFilterSet(django_filters.FilterSet):
    """Base of the registry's FilterSets: the search parameter, relevance order and facets."""

    q = django_filters.CharFilter(
        method="filter_search",
        max_length=MAX_QUERY_LENGTH,
        help_text=(
            'Search words, web-search style: `"exact phrase"`, `OR` between alternatives, '
            "`-word` to exclude. Case and accents are ignored and English words are stemmed. "
            "When nothing matches, similar spellings are tried and the response's `search` object "
            "says so. Results come by relevance unless `ordering` is given."
        ),
    )

    # Facets offered by /facets/: parameter name -> how to count its values.
    facets: ClassVar[dict[str, Facet]] = {}
    # Filters whose records change with the clock, not only with writes: a list filtered by one
    # is never answered from a compiled page (registry/compiled.py).
    volatile_filters: ClassVar[frozenset[str]] = frozenset()
    # FilterSet keeps `data or {}`: never None, whatever the stubs say.
    data: QueryDict | dict[str, Any]

    @classmethod
    def get_filters(cls) -> OrderedDict[str, django_filters.Filter]:
        filters = super().get_filters()
        # Checked when each FilterSet class is made: a plain DateFilter would take any year.
        for name, filter_ in filters.items():
            if isinstance(filter_, django_filters.DateFilter) and not isinstance(filter_, WindowDateFilter):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.{name}: date filters of registry FilterSets are WindowDateFilter"
                )
        return filters

    def __init__(
        self,
        data: Any = None,
        queryset: models.QuerySet | None = None,
        *,
        request: Any = None,
        prefix: str | None = None,
        search_mode: str | None = None,
    ) -> None:
        super().__init__(_without_blanks(data), queryset, request=request, prefix=prefix)
        self.search_mode = search_mode
        self.search: SearchOutcome | None = None

    def filter_search(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        # Applied by filter_queryset() after every other filter; see there.
        return queryset

    def filter_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        cleaned = self.form.cleaned_data
        for name, value in cleaned.items():
            # A parameter left out or empty filters nothing, so filter methods need not check.
            if name not in ("q", "ordering") and not _empty(value):
                queryset = self.filters[name].filter(queryset, value)
        if cleaned.get("q"):
            queryset, self.search = search(queryset, cleaned["q"], mode=self.search_mode)
            queryset = order_by_relevance(queryset)
        if cleaned.get("ordering") and "ordering" in self.filters:
            queryset = self.filters["ordering"].filter(queryset, cleaned["ordering"])
        return queryset

    @classmethod
    def filtered(cls, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        """`queryset` filtered by the request's query string, for views that are not API viewsets
        (feeds, calendars, IATI files). Raises `BadRequest` (400) naming the parameter whose value
        it cannot read, exactly as the API answers the same query string."""
        filterset = cls(request.GET, queryset=queryset, request=request)
        if not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            raise BadRequest(problems)
        return filterset.qs
