"""FilterSets for partnerships, partners and people, shared by the API and the public pages.

Conventions for every registry FilterSet (events and publications follow them too):
- repeating a parameter means OR within it (`?platform=cities&platform=academia-and-youth`);
  different parameters combine with AND;
- a value that names nothing (`sdg=18`, `country=XX`, a draft partner's slug) is a validation
  error naming the parameter, never silently ignored; an empty value (`country=`) is no filter;
- `q` is the registry's search (partnerships/search.py), applied after every other filter so that
  its typo fallback only runs when the filtered list has no full-text match; with `q` the order is
  relevance unless `ordering` is given;
- every linked record that counts is published: a draft partner never makes a partnership match.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .base import EARLIEST_DATE, LATEST_DATE, Status
from .facets import (
    Facet,
    LinkFacet,
    PartnershipCountryFacet,
    PartnershipRegionFacet,
    TokenFacet,
    TokenIndex,
    vocabulary_tokens,
)
from .models import (
    ActivityStatus,
    Country,
    Modality,
    OrganisationType,
    Participation,
    Partner,
    Partnership,
    Person,
    Platform,
    Region,
    SDGTarget,
    SustainableDevelopmentGoal,
    TriangularRole,
)
from .search import MAX_QUERY_LENGTH, SearchOutcome, order_by_relevance, search

PUBLISHED = Status.PUBLISHED


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


class _CountryCodesField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        # Codes are upper case (RW); accept rw from people typing URLs by hand.
        if isinstance(value, (list, tuple)):
            value = [v.upper() if isinstance(v, str) else v for v in value]
        return super().clean(value)


class CountryFilter(django_filters.ModelMultipleChoiceFilter):
    """ISO 3166-1 alpha-2 codes, in either case; repeating the parameter means any of them."""

    field_class = _CountryCodesField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Country.objects.all())
        super().__init__(**kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering=field` or `ordering=-field`; ties are always broken by id, so pages never overlap."""

    def filter(self, qs: models.QuerySet, value: Any) -> models.QuerySet:
        # Empty items are skipped (`ordering=,` once reached order_by("") and answered 500).
        ordering = [self.get_ordering_value(param) for param in value or [] if param]
        return qs.order_by(*ordering, "id") if ordering else qs


class WindowDateField(forms.DateField):
    """A date inside the registry's window (partnerships/base.py): nothing stored lies outside it,
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
    # is never answered from a kept page plan (sscregistry/plans.py).
    volatile_filters: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def get_filters(cls) -> dict[str, django_filters.Filter]:
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
        # The time of the registry's last write, when the caller has read it (None: not read).
        # Names the kept search decision (see search()).
        self.changed: float | None = None

    def filter_search(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        # Applied by filter_queryset() after every other filter; see there.
        return queryset

    def filter_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        cleaned = self.form.cleaned_data
        for name, value in cleaned.items():
            if name not in ("q", "ordering"):
                queryset = self.filters[name].filter(queryset, value)
        if cleaned.get("q"):
            queryset, self.search = search(
                queryset, cleaned["q"], mode=self.search_mode, changed=self.changed
            )
            queryset = order_by_relevance(queryset)
        if cleaned.get("ordering") and "ordering" in self.filters:
            queryset = self.filters["ordering"].filter(queryset, cleaned["ordering"])
        return queryset


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


# The IATI OrganisationRole codelist is fixed (partnerships/data/iati/OrganisationRole.xml); naming
# it here keeps the OpenAPI schema free of database reads.
PARTICIPATION_ROLE_CHOICES = [
    ("1", "Funding"),
    ("2", "Accountable"),
    ("3", "Extending"),
    ("4", "Implementing"),
    *TriangularRole.choices,
]


def _published_participations(*conditions: Q, **lookups: Any) -> Exists:
    return Exists(
        Participation.objects.filter(
            *conditions, partnership=OuterRef("pk"), partner__status=PUBLISHED, **lookups
        )
    )


PARTNERSHIP_TOKENS = TokenIndex(
    "partnerships.Partnership",
    "partnerships.PartnershipFacets",
    "partnerships.PartnershipFacetCount",
    "partnership_id",
)


class PartnershipFilter(RegistryFilterSet):
    platform = AnyOfFilter(
        field_name="platforms",
        queryset=Platform.objects.all(),
        to_field_name="slug",
        help_text="Platform slug (see /api/v1/platforms/), e.g. `cities`. Repeat for any of several.",
    )
    modality = AnyOfFilter(
        field_name="modalities",
        queryset=Modality.objects.all(),
        help_text="Modality code: `south_south`, `triangular`, `north_south`, `multi_stakeholder`.",
    )
    status = django_filters.ModelMultipleChoiceFilter(
        field_name="activity_status",
        queryset=ActivityStatus.objects.all(),
        help_text="Activity status, an IATI ActivityStatus code: 1 pipeline, 2 implementation, "
        "3 finalisation, 4 closed, 5 cancelled, 6 suspended.",
    )
    sdg = AnyOfFilter(
        field_name="sdgs",
        queryset=SustainableDevelopmentGoal.objects.all(),
        help_text="Sustainable Development Goal number, 1 to 17.",
    )
    target = AnyOfFilter(
        field_name="sdg_targets",
        queryset=SDGTarget.objects.all(),
        help_text="SDG target code, e.g. `17.6` (see /api/v1/sdgs/).",
    )
    country = CountryFilter(
        method="filter_country",
        help_text="ISO 3166-1 alpha-2 code, e.g. `RW`: partnerships covering the country or with a "
        "partner based there.",
    )
    region = django_filters.ModelMultipleChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        help_text="UN M49 region code, e.g. `202` (Sub-Saharan Africa), sub-regions included: "
        "partnerships covering the region or a country in it, or with a partner based there.",
    )
    partner = django_filters.ModelMultipleChoiceFilter(
        queryset=Partner.objects.published(),
        to_field_name="slug",
        method="filter_partner",
        help_text="Slug of a participating partner. With `role`, the partner must have that role.",
    )
    partner_type = django_filters.ModelMultipleChoiceFilter(
        queryset=OrganisationType.objects.all(),
        method="filter_partner_type",
        help_text="IATI OrganisationType code of a participating partner, e.g. `10` government, "
        "`40` multilateral (see /api/v1/organisation-types/).",
    )
    role = django_filters.MultipleChoiceFilter(
        choices=PARTICIPATION_ROLE_CHOICES,
        method="filter_role",
        help_text="A participant's role: an IATI OrganisationRole code (1 funding, 2 accountable, "
        "3 extending, 4 implementing) or a triangular role. Combined with `partner`, that partner "
        "must hold the role.",
    )
    started_after = WindowDateFilter(
        field_name="start_date", lookup_expr="gte", help_text="Started on or after this date (YYYY-MM-DD)."
    )
    started_before = WindowDateFilter(
        field_name="start_date", lookup_expr="lte", help_text="Started on or before this date (YYYY-MM-DD)."
    )
    active_on = WindowDateFilter(
        method="filter_active_on", help_text="Running on this date (YYYY-MM-DD): started by then, not ended."
    )
    ordering = StableOrderingFilter(
        fields=["title", "start_date", "end_date", "updated_at"],
        help_text="Sort by `title`, `start_date`, `end_date` or `updated_at`; prefix `-` to reverse.",
    )

    facets = {
        # The counts come from the tokens the database keeps for each partnership; `link` is each
        # facet counted over the link tables, which the tokens must always agree with.
        "platform": TokenFacet(
            PARTNERSHIP_TOKENS,
            "platform",
            vocabulary_tokens("platform", "partnerships.Platform", "id", "slug", "name"),
            LinkFacet(Partnership.platforms.through, "partnership", "platform__slug", "platform__name"),
        ),
        "modality": TokenFacet(
            PARTNERSHIP_TOKENS,
            "modality",
            vocabulary_tokens("modality", "partnerships.Modality", "code", "code", "name"),
            LinkFacet(Partnership.modalities.through, "partnership", "modality__code", "modality__name"),
        ),
        "status": TokenFacet(
            PARTNERSHIP_TOKENS,
            "status",
            vocabulary_tokens("status", "partnerships.ActivityStatus", "code", "code", "name"),
            LinkFacet(Partnership, "pk", "activity_status__code", "activity_status__name"),
        ),
        "sdg": TokenFacet(
            PARTNERSHIP_TOKENS,
            "sdg",
            vocabulary_tokens(
                "sdg", "partnerships.SustainableDevelopmentGoal", "code", "code", "short_title"
            ),
            LinkFacet(
                Partnership.sdgs.through,
                "partnership",
                "sustainabledevelopmentgoal__code",
                "sustainabledevelopmentgoal__short_title",
            ),
        ),
        "region": TokenFacet(
            PARTNERSHIP_TOKENS,
            "region",
            vocabulary_tokens("region", "partnerships.Region", "code", "code", "name"),
            PartnershipRegionFacet(),
        ),
        "country": TokenFacet(
            PARTNERSHIP_TOKENS,
            "country",
            vocabulary_tokens("country", "partnerships.Country", "code", "code", "name"),
            PartnershipCountryFacet(),
        ),
        "partner_type": TokenFacet(
            PARTNERSHIP_TOKENS,
            "partner_type",
            vocabulary_tokens("partner_type", "partnerships.OrganisationType", "code", "code", "name"),
            LinkFacet(
                Participation,
                "partnership",
                "partner__organisation_type__code",
                "partner__organisation_type__name",
                partner__status=PUBLISHED,
            ),
        ),
    }

    class Meta:
        model = Partnership
        fields: list[str] = []

    def filter_country(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        if not value:
            return queryset
        covered = Partnership.countries.through.objects.filter(partnership=OuterRef("pk"), country__in=value)
        return queryset.filter(Exists(covered) | _published_participations(partner__country__in=value))

    def filter_region(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        if not value:
            return queryset
        regions, countries = region_and_subregions(value), countries_in(value)
        covered_region = Partnership.regions.through.objects.filter(
            partnership=OuterRef("pk"), region__in=regions
        )
        covered_country = Partnership.countries.through.objects.filter(
            partnership=OuterRef("pk"), country__in=countries
        )
        return queryset.filter(
            Exists(covered_region)
            | Exists(covered_country)
            | _published_participations(partner__country__in=countries)
        )

    def filter_partner(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        if not value:
            return queryset
        return queryset.filter(_published_participations(self._role_condition(), partner__in=value))

    def filter_role(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        if not value or self.form.cleaned_data.get("partner"):
            return queryset  # filter_partner applies the role to the chosen partners
        return queryset.filter(_published_participations(self._role_condition()))

    def _role_condition(self) -> Q:
        """The chosen roles, IATI codes and triangular roles alike (no condition when none)."""
        roles = self.form.cleaned_data.get("role") or []
        if not roles:
            return Q()
        triangular = set(TriangularRole.values)
        return Q(role__in=[r for r in roles if r not in triangular]) | Q(
            triangular_role__in=[r for r in roles if r in triangular]
        )

    def filter_partner_type(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        if not value:
            return queryset
        return queryset.filter(_published_participations(partner__organisation_type__in=value))

    def filter_active_on(self, queryset: models.QuerySet, name: str, value: datetime.date) -> models.QuerySet:
        return queryset.active_on(value) if value else queryset


class PartnerFilter(RegistryFilterSet):
    type = django_filters.ModelMultipleChoiceFilter(
        field_name="organisation_type",
        queryset=OrganisationType.objects.all(),
        help_text="IATI OrganisationType code, e.g. `10` government, `40` multilateral.",
    )
    country = CountryFilter(
        help_text="ISO 3166-1 alpha-2 code of the partner's headquarters, e.g. `NO`.",
    )
    region = django_filters.ModelMultipleChoiceFilter(
        queryset=Region.objects.all(),
        method="filter_region",
        help_text="UN M49 region code, sub-regions included: partners based in a country there.",
    )
    global_south = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        method="filter_global_south",
        help_text="`true`: partners based in a Global South country (see /api/v1/countries/); "
        "`false`: partners based elsewhere.",
    )
    ordering = StableOrderingFilter(
        fields=["name", "updated_at"], help_text="Sort by `name` or `updated_at`; prefix `-` to reverse."
    )

    facets = {
        "type": LinkFacet(Partner, "pk", "organisation_type__code", "organisation_type__name"),
        "country": LinkFacet(Partner, "pk", "country__code", "country__name"),
    }

    class Meta:
        model = Partner
        fields: list[str] = []

    def filter_region(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        return queryset.filter(country__in=countries_in(value)) if value else queryset

    def filter_global_south(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        return queryset.filter(country__global_south=value == "true") if value else queryset


class PersonFilter(RegistryFilterSet):
    affiliation = LinkedSlugFilter(
        queryset=Partner.objects.published(),
        help_text="Slug of the partner the person works for.",
    )
    ordering = StableOrderingFilter(
        fields=["name", "updated_at"], help_text="Sort by `name` or `updated_at`."
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        # People have no stored search document: `q` matches their names, accents ignored.
        query = self.form.cleaned_data.pop("q", "")
        queryset = super().filter_queryset(queryset)
        if query:
            queryset = queryset.filter(name__unaccent__icontains=query)
        return queryset
