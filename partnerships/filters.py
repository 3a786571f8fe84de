"""FilterSets for partnerships, partners and people, shared by the API and the public pages.

They follow the conventions of every registry FilterSet (registry/filters.py).
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from partnerships.models import Participation, Partner, Partnership, Person, TriangularRole
from registry.facets import LinkFacet, TokenFacet, TokenIndex
from registry.filters import (
    AnyOfFilter,
    LinkedSlugFilter,
    RegistryFilterSet,
    StableOrderingFilter,
    WindowDateFilter,
)
from registry.workflow import Status
from vocabularies.filters import CountryFilter, countries_in, region_and_subregions
from vocabularies.identifiers import normalise_ror_id, normalise_wikidata_id
from vocabularies.models import (
    ActivityStatus,
    Modality,
    OrganisationType,
    Platform,
    Region,
    SDGTarget,
    SustainableDevelopmentGoal,
)

from .facets import PartnershipCountryFacet, PartnershipRegionFacet

PUBLISHED = Status.PUBLISHED


# The IATI OrganisationRole codelist is fixed (vocabularies/data/iati/OrganisationRole.xml); naming
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


class PartnerSlugFilter(django_filters.ModelMultipleChoiceFilter):
    """Published partners named by slug (a draft's slug is refused as an unknown value)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Partner.objects.published(), to_field_name="slug", **kwargs)


def partner_facet(
    index: TokenIndex, name: str, model: type[models.Model], record: str, *, title: Any
) -> TokenFacet:
    """A facet of another record type over the published partners that rows of `model` (a link
    table whose field `record` is the record) link it to, by slug; its tokens are `<name>:<id>`."""
    return index.linked(
        name, model, record, "partner", key="id", value="slug", title=title, partner__status=PUBLISHED
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
    partner = PartnerSlugFilter(
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
    ordering = StableOrderingFilter(fields=["title", "start_date", "end_date", "updated_at"])

    facets = {
        # The counts come from the tokens the database keeps for each partnership; `link` is each
        # facet counted over the link tables, which the tokens must always agree with.
        "platform": PARTNERSHIP_TOKENS.linked(
            "platform",
            Partnership.platforms.through,
            "partnership",
            "platform",
            key="id",
            value="slug",
            title=_("Platform"),
        ),
        "modality": PARTNERSHIP_TOKENS.linked(
            "modality", Partnership.modalities.through, "partnership", "modality", title=_("Modality")
        ),
        "status": PARTNERSHIP_TOKENS.linked(
            "status", Partnership, "pk", "activity_status", title=_("Status")
        ),
        "sdg": PARTNERSHIP_TOKENS.linked(
            "sdg",
            Partnership.sdgs.through,
            "partnership",
            "sustainabledevelopmentgoal",
            label="short_title",
            title=_("Sustainable Development Goal"),
        ),
        "region": PARTNERSHIP_TOKENS.vocabulary("region", PartnershipRegionFacet(), title=_("Region")),
        "country": PARTNERSHIP_TOKENS.vocabulary("country", PartnershipCountryFacet(), title=_("Country")),
        "partner_type": PARTNERSHIP_TOKENS.linked(
            "partner_type",
            Participation,
            "partnership",
            "partner__organisation_type",
            title=_("Partner type"),
            partner__status=PUBLISHED,
        ),
    }

    class Meta:
        model = Partnership
        fields: list[str] = []

    def filter_country(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        covered = Partnership.countries.through.objects.filter(partnership=OuterRef("pk"), country__in=value)
        return queryset.filter(Exists(covered) | _published_participations(partner__country__in=value))

    def filter_region(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
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
        return queryset.filter(_published_participations(self._role_condition(), partner__in=value))

    def filter_role(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        if self.form.cleaned_data.get("partner"):
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
        return queryset.filter(_published_participations(partner__organisation_type__in=value))

    def filter_active_on(self, queryset: models.QuerySet, name: str, value: datetime.date) -> models.QuerySet:
        return queryset.active_on(value) if value else queryset


class PartnerFilter(RegistryFilterSet):
    type = django_filters.ModelMultipleChoiceFilter(
        field_name="organisation_type",
        queryset=OrganisationType.objects.all(),
        help_text="IATI OrganisationType code, e.g. `10` government, `40` multilateral.",
    )
    country = CountryFilter(help_text="ISO 3166-1 alpha-2 code of the partner's headquarters, e.g. `NO`.")
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
    # Exact values of the external identifiers, as written anywhere (case, an address around them).
    identifier = django_filters.CharFilter(
        method="filter_identifier", help_text="org-id, exactly (case aside), e.g. `XM-DAC-41301`."
    )
    ror = django_filters.CharFilter(
        method="filter_identifier",
        help_text="ROR ID, exactly, e.g. `03vek6s52` or `https://ror.org/03vek6s52`.",
    )
    wikidata = django_filters.CharFilter(
        method="filter_identifier", help_text="Wikidata QID, exactly, e.g. `Q1065`."
    )
    iati_identifier = django_filters.CharFilter(
        method="filter_identifier",
        help_text="IATI organisation identifier, exactly (case aside), e.g. `XM-DAC-41114`.",
    )
    ordering = StableOrderingFilter(fields=["name", "updated_at"])

    facets = {
        "type": LinkFacet(
            Partner, "pk", "organisation_type__code", "organisation_type__name", title=_("Type")
        ),
        "country": LinkFacet(Partner, "pk", "country__code", "country__name", title=_("Headquarters")),
    }

    class Meta:
        model = Partner
        fields: list[str] = []

    def filter_region(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        return queryset.filter(country__in=countries_in(value)) if value else queryset

    def filter_global_south(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        return queryset.filter(country__global_south=value == "true") if value else queryset

    def filter_identifier(self, queryset: models.QuerySet, name: str, value: str) -> models.QuerySet:
        if not value.strip():
            return queryset
        if name == "ror":
            return queryset.filter(ror_id=normalise_ror_id(value))
        if name == "wikidata":
            return queryset.filter(wikidata_id=normalise_wikidata_id(value))
        return queryset.filter(**{f"{name}__iexact": value.strip()})


class PersonFilter(RegistryFilterSet):
    affiliation = LinkedSlugFilter(
        queryset=Partner.objects.published(), help_text="Slug of the partner the person works for."
    )
    ordering = StableOrderingFilter(fields=["name", "updated_at"])

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
