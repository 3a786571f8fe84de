"""Spreadsheet import and export of publications (see registry/resources.py)."""

from __future__ import annotations

from import_export import fields

from partnerships.models import Partnership
from partnerships.resources import _partners_by_slug
from registry.resources import (
    WORKFLOW_COLUMNS,
    ChoiceWidget,
    CodesWidget,
    CodeWidget,
    RecordResource,
    VocabularyListWidget,
    VocabularyWidget,
    _labels,
    _role_pairs,
    partner_role_labels,
    partner_roles,
    replace_partner_roles,
)
from vocabularies.models import (
    DocumentCategory,
    Region,
    SustainableDevelopmentGoal,
    Theme,
)

from .models import Publication, PublicationOrganisation, Series


class PublicationResource(RecordResource):
    publication_type = fields.Field(
        attribute="publication_type",
        column_name="publication_type",
        widget=ChoiceWidget(Publication.Type.choices),
    )
    publication_type_label = fields.Field(column_name="publication_type_label", readonly=True)
    document_category = fields.Field(
        attribute="document_category",
        column_name="document_category",
        widget=VocabularyWidget(DocumentCategory),
    )
    series = fields.Field(attribute="series", column_name="series", widget=CodeWidget(Series, "slug"))
    sdgs = fields.Field(
        attribute="sdgs", column_name="sdgs", widget=VocabularyListWidget(SustainableDevelopmentGoal)
    )
    sdg_labels = fields.Field(column_name="sdg_labels", readonly=True)
    regions = fields.Field(attribute="regions", column_name="regions", widget=VocabularyListWidget(Region))
    themes = fields.Field(attribute="themes", column_name="themes", widget=VocabularyListWidget(Theme))
    partnerships = fields.Field(
        attribute="partnerships", column_name="partnerships", widget=CodesWidget(Partnership, field="slug")
    )
    organisations = fields.Field(column_name="organisations", readonly=True)
    organisation_labels = fields.Field(column_name="organisation_labels", readonly=True)
    part_columns = ("organisations",)

    class Meta(RecordResource.Meta):
        model = Publication
        fields = [
            "slug",
            "title",
            "publication_type",
            "publication_type_label",
            "document_category",
            "summary",
            "publication_date",
            "publication_date_precision",
            "series",
            "document_symbol",
            "organisations",
            "organisation_labels",
            "partnerships",
            "sdgs",
            "sdg_labels",
            "regions",
            "themes",
            *WORKFLOW_COLUMNS,
        ]

    def dehydrate_publication_type_label(self, p: Publication) -> str:
        return p.get_publication_type_display()

    def dehydrate_sdg_labels(self, p: Publication) -> str:
        return _labels(p.sdgs.all())

    def dehydrate_organisations(self, p: Publication) -> str:
        return partner_roles(p.organisation_roles)

    def dehydrate_organisation_labels(self, p: Publication) -> str:
        return partner_role_labels(p.organisation_roles)

    def save_parts(self, instance: Publication, row: dict) -> None:
        """The `organisations` column, when present, is the full list: `slug|role; ...`."""
        if "organisations" not in row:
            return
        pairs = _role_pairs(row.get("organisations"), "organisations")
        bad = [f"{s}|{r}" for s, r in pairs if r not in PublicationOrganisation.Role.values]
        if bad:
            roles = ", ".join(PublicationOrganisation.Role.values)
            raise ValueError(f"organisations: each needs a role ({roles}): {', '.join(bad)}")
        partners = _partners_by_slug([s for s, _ in pairs], "organisations")
        replace_partner_roles(instance.organisation_roles, {(partners[s].pk, r) for s, r in pairs})


def register() -> None:
    from registry.resources import register_resource

    register_resource("publications", PublicationResource)
