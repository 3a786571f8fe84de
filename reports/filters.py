"""The publications FilterSet, shared by the API and the public publication pages (conventions in
partnerships/filters.py)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from events.models import Event
from partnerships.filters import PartnerSlugFilter, partner_facet
from registry.facets import TokenIndex
from registry.filters import LinkedSlugFilter, RegistryFilterSet, StableOrderingFilter, YearFilter
from vocabularies.models import Language

from .models import LanguageVersion, Publication, PublicationOrganisation, Series

PUBLICATION_TOKENS = TokenIndex(
    "reports.Publication", "reports.PublicationFacets", "reports.PublicationFacetCount", "publication_id"
)


class PublicationFilter(RegistryFilterSet):
    type = django_filters.MultipleChoiceFilter(
        field_name="publication_type", choices=Publication.Type.choices, help_text="The kind of publication."
    )
    language = django_filters.ModelMultipleChoiceFilter(
        queryset=Language.objects.all(),
        method="filter_language",
        help_text="ISO 639-1 code of a language the publication exists in, e.g. `ru`.",
    )
    year = YearFilter(
        field_name="publication_date",
        lookup_expr="year",
        min_value=1900,
        max_value=2100,
        help_text="Year of publication, e.g. `2019`.",
    )
    partner = PartnerSlugFilter(
        method="filter_partner",
        help_text="Slug of a partner that published, wrote, funded or is the subject of the publication.",
    )
    series = LinkedSlugFilter(queryset=Series.objects.all(), help_text="Slug of the publication series.")
    launched_at = LinkedSlugFilter(
        queryset=Event.objects.published(),
        help_text="Slug of the event where the publication was launched, adopted or presented.",
    )
    ordering = StableOrderingFilter(fields=["publication_date", "title", "updated_at"])

    # Counted from the tokens the database keeps for each publication (as partnerships' facets
    # are); `link` is each facet counted over the tables, which the tokens must always agree with.
    facets = {
        "type": PUBLICATION_TOKENS.choice("type", Publication, "publication_type", title=_("Type")),
        "language": PUBLICATION_TOKENS.linked(
            "language", LanguageVersion, "publication", "language", title=_("Language")
        ),
        "year": PUBLICATION_TOKENS.year("year", Publication, "publication_date", title=_("Year")),
        # Published organisations in any role (publisher, author, funder...), as `partner` filters.
        "partner": partner_facet(
            PUBLICATION_TOKENS, "partner", PublicationOrganisation, "publication", title=_("Organisation")
        ),
        "series": PUBLICATION_TOKENS.linked(
            "series", Publication, "pk", "series", key="id", value="slug", title=_("Series")
        ),
    }

    class Meta:
        model = Publication
        fields: list[str] = []

    def filter_language(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        return queryset.filter(
            Exists(LanguageVersion.objects.filter(publication=OuterRef("pk"), language__in=value))
        )

    def filter_partner(self, queryset: models.QuerySet, name: str, value: Any) -> models.QuerySet:
        roles = PublicationOrganisation.objects.filter(publication=OuterRef("pk"), partner__in=value)
        return queryset.filter(Exists(roles))
