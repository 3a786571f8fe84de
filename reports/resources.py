"""Spreadsheet import and export of publications (see registry/resources.py)."""

from __future__ import annotations

from import_export import fields

from partnerships.models import Partnership
from partnerships.resources import PartnerRolesResource
from registry.resources import (
    WORKFLOW_COLUMNS,
    ChoiceWidget,
    CodesWidget,
    CodeWidget,
    VocabularyListWidget,
    VocabularyWidget,
    label_column,
)
from vocabularies.models import DocumentCategory, Region, SustainableDevelopmentGoal, Theme

from .models import Publication, PublicationOrganisation, Series


class PublicationResource(PartnerRolesResource):
    publication_type = fields.Field(
        attribute="publication_type", widget=ChoiceWidget(Publication.Type.choices)
    )
    publication_type_label = label_column("publication_type")
    document_category = fields.Field(attribute="document_category", widget=VocabularyWidget(DocumentCategory))
    series = fields.Field(attribute="series", widget=CodeWidget(Series, "slug"))
    sdgs = fields.Field(attribute="sdgs", widget=VocabularyListWidget(SustainableDevelopmentGoal))
    sdg_labels = label_column("sdgs")
    regions = fields.Field(attribute="regions", widget=VocabularyListWidget(Region))
    themes = fields.Field(attribute="themes", widget=VocabularyListWidget(Theme))
    partnerships = fields.Field(attribute="partnerships", widget=CodesWidget(Partnership, field="slug"))
    organisations = fields.Field(readonly=True, dehydrate_method="dehydrate_roles")
    organisation_labels = fields.Field(readonly=True, dehydrate_method="dehydrate_role_labels")
    part_columns = ("organisations",)
    roles_relation = "organisation_roles"
    role_choices = PublicationOrganisation.Role

    class Meta(PartnerRolesResource.Meta):
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


def register() -> None:
    from registry.resources import register_resource

    register_resource("publications", PublicationResource)
