"""Spreadsheet import and export of publications (see registry/resources.py)."""

from __future__ import annotations

from partnerships.resources import PartnerRolesResource
from registry.resources import WORKFLOW_COLUMNS, label_column

from .models import Publication, PublicationOrganisation


class PublicationResource(PartnerRolesResource):
    publication_type_label = label_column("publication_type")
    sdg_labels = label_column("sdgs")
    organisations, organisation_labels = PartnerRolesResource.role_columns()
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
            "language",
            "translations",
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
