"""Spreadsheet import and export of partners and partnerships (see registry/resources.py)."""

from __future__ import annotations

from typing import Any

from django.db import models
from import_export import fields

from registry.resources import (
    VOCABULARIES,
    WORKFLOW_COLUMNS,
    RecordResource,
    _role_pairs,
    label_column,
    partner_role_labels,
    partner_roles,
    replace_partner_roles,
)
from vocabularies import models as vocabularies

from .duplicates import similar_partners
from .models import Partner, PartnerName, Partnership


def _partners_by_slug(slugs: list[str], column: str) -> dict[str, Partner]:
    found = {p.slug: p for p in Partner.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValueError(f"{column}: unknown partner slug(s): {', '.join(unknown)}")
    return found


class PartnerRolesResource(RecordResource):
    """A record resource whose parts are partners in roles (an event's organisers, a publication's
    organisations): its first part column reads and writes them as `slug|role; ...`, the full list
    when a file has the column, and `labels_column` shows them as `Partner name (Role); ...`."""

    roles_relation = ""  # the record's related manager of roles, such as "organiser_roles"
    role_choices: type[models.TextChoices]
    default_role = ""  # the role of a partner named without one ("": each needs a role)

    class Meta(RecordResource.Meta):
        abstract = True

    @staticmethod
    def role_columns() -> tuple[fields.Field, fields.Field]:
        """The part column of partners in roles and the column of their labels, to name in a subclass:
        `organisers, organiser_labels = PartnerRolesResource.role_columns()`."""
        return (
            fields.Field(readonly=True, dehydrate_method="dehydrate_roles"),
            fields.Field(readonly=True, dehydrate_method="dehydrate_role_labels"),
        )

    def dehydrate_roles(self, record: Any) -> str:
        return partner_roles(getattr(record, self.roles_relation))

    def dehydrate_role_labels(self, record: Any) -> str:
        return partner_role_labels(getattr(record, self.roles_relation))

    def save_parts(self, instance: Any, row: dict) -> None:
        column = self.part_columns[0]
        if column not in row:
            return
        pairs = [(s, r or self.default_role) for s, r in _role_pairs(row.get(column), column)]
        bad = [f"{s}|{r}" for s, r in pairs if r not in self.role_choices.values]
        if bad:
            roles = ", ".join(self.role_choices.values)
            raise ValueError(f"{column}: each needs a role ({roles}): {', '.join(bad)}")
        partners = _partners_by_slug([s for s, _ in pairs], column)
        wanted = {(partners[s].pk, r) for s, r in pairs}
        replace_partner_roles(getattr(instance, self.roles_relation), wanted)


class PartnerResource(RecordResource):
    organisation_type_label = label_column("organisation_type")
    country_label = label_column("country")
    alternative_names = fields.Field(readonly=True)

    title_field = "name"
    part_columns = ("alternative_names",)

    class Meta(RecordResource.Meta):
        model = Partner
        fields = [
            "slug",
            "name",
            "acronym",
            "identifier",
            "ror_id",
            "wikidata_id",
            "iati_identifier",
            "organisation_type",
            "organisation_type_label",
            "country",
            "country_label",
            "website",
            "parent",
            "description",
            "language",
            "translations",
            "alternative_names",
            *WORKFLOW_COLUMNS,
            "last_reviewed_at",
        ]

    def find_without_slug(self, row: dict) -> Any:
        identifier = str(row.get("identifier") or "").strip()
        if identifier:
            return Partner.objects.filter(identifier__iexact=identifier).first()
        return super().find_without_slug(row)

    def import_instance(self, instance: Any, row: dict, **kwargs: Any) -> None:
        names_before = (instance.name, instance.acronym)
        super().import_instance(instance, row, **kwargs)
        if self._dry_run and (instance.pk is None or names_before != (instance.name, instance.acronym)):
            self.note_likely_duplicates(instance, kwargs.get("row_number"))

    def note_likely_duplicates(self, partner: Partner, row_number: int | None) -> None:
        """The admin's partner form's duplicate check (`similar_partners`), as a note on the row."""
        duplicates = similar_partners(names=[partner.name, partner.acronym], exclude_pk=partner.pk)
        if duplicates:
            listed = "; ".join(
                f"“{p}” ({p.slug}, {p.get_status_display().lower()}, {p.similarity:.0%} similar)"
                for p in duplicates
            )
            self.note(
                row_number,
                f"“{partner.name}” may be a partner the registry already has: {listed}. Check before "
                "confirming (or merge the duplicates afterwards).",
            )

    def dehydrate_alternative_names(self, partner: Partner) -> str:
        return "; ".join(partner.alternative_names.values_list("name", flat=True))

    def save_parts(self, instance: Partner, row: dict) -> None:
        if "alternative_names" not in row:
            return
        names = [n.strip() for n in str(row.get("alternative_names") or "").split(";") if n.strip()]
        existing = set(instance.alternative_names.values_list("name", flat=True))
        for name in names:
            if name not in existing:
                PartnerName.objects.create(partner=instance, name=name, kind=PartnerName.Kind.VARIANT)


class PartnershipResource(RecordResource):
    activity_status_label = label_column("activity_status")
    sdg_labels = label_column("sdgs")
    country_labels = label_column("countries")
    partners = fields.Field(readonly=True)
    partner_labels = fields.Field(readonly=True)
    part_columns = ("partners",)

    class Meta(RecordResource.Meta):
        model = Partnership
        fields = [
            "slug",
            "title",
            "summary",
            "objective",
            "description",
            "language",
            "translations",
            "activity_status",
            "activity_status_label",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "partners",
            "partner_labels",
            "modalities",
            "platforms",
            "sdgs",
            "sdg_labels",
            "sdg_targets",
            "countries",
            "country_labels",
            "regions",
            "themes",
            *WORKFLOW_COLUMNS,
            "last_reviewed_at",
        ]

    def dehydrate_partners(self, p: Partnership) -> str:
        return "; ".join(
            f"{x.partner.slug}|{x.role_id}" if x.role_id else x.partner.slug
            for x in p.participations.select_related("partner")
        )

    def dehydrate_partner_labels(self, p: Partnership) -> str:
        return "; ".join(
            f"{x.partner} ({x.role.name})" if x.role_id else str(x.partner)
            for x in p.participations.select_related("partner", "role")
        )

    def save_parts(self, instance: Partnership, row: dict) -> None:
        """The `partners` column, when present, is the full list: `slug|IATI role code; ...`."""
        if "partners" not in row:
            return
        pairs = _role_pairs(row.get("partners"), "partners")
        partners = _partners_by_slug([s for s, _ in pairs], "partners")
        vocabulary = VOCABULARIES[vocabularies.OrganisationRole]
        unknown = [r for _, r in pairs if r and len(vocabulary.find(r)) != 1]
        if unknown:
            raise ValueError(f"partners: no IATI organisation role with code or name {', '.join(unknown)}")
        wanted = {(partners[s].pk, vocabulary.get(r).pk if r else None) for s, r in pairs}
        replace_partner_roles(instance.participations, wanted, role="role_id")


def register() -> None:
    from registry.resources import register_resource

    register_resource("partners", PartnerResource)
    register_resource("partnerships", PartnershipResource)
