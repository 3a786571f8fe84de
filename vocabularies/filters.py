"""Filters over the vocabularies: countries by code, regions with everything inside them."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Q

from .models import Country, Region


class _CountryCodesField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        # Codes are upper case (RW); accept rw from people typing URLs by hand.
        if isinstance(value, (list, tuple)):
            value = [v.upper() if isinstance(v, str) else v for v in value]
        return super().clean(value)


class CountryFilter(django_filters.ModelMultipleChoiceFilter):
    """ISO 3166-1 alpha-2 codes, in either case; repeating the parameter means any of them."""

    # A plain Django field, as django-filter allows (its stubs want its own field class).
    field_class = _CountryCodesField  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Country.objects.all())
        super().__init__(**kwargs)


def region_and_subregions(regions: Any) -> models.QuerySet:
    """The codes of `regions` and of every region inside them (the M49 tree is four levels deep)."""
    # Subqueries rather than parent__parent joins: a join would drop regions near the top.
    regions = [getattr(region, "pk", region) for region in regions]
    children = Region.objects.filter(parent__in=regions).values("code")
    grandchildren = Region.objects.filter(parent__in=children).values("code")
    great_grandchildren = Region.objects.filter(parent__in=grandchildren).values("code")
    return Region.objects.filter(
        Q(code__in=regions)
        | Q(code__in=children)
        | Q(code__in=grandchildren)
        | Q(code__in=great_grandchildren)
    ).values("code")


def countries_in(regions: Any) -> models.QuerySet:
    """The countries inside any of `regions`, at any level."""
    codes = region_and_subregions(regions)
    return Country.objects.filter(
        Q(region__in=codes) | Q(subregion__in=codes) | Q(intermediate_region__in=codes)
    ).values("code")
