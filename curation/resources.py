"""Spreadsheet import and export of partners, partnerships, events and publications.

One resource per record type, used by the admin's Import/Export buttons and by
`manage.py import_records`. Rules, whoever imports:

- An import is one transaction: if any row fails, nothing is written.
- A row updates the record with its slug (partners: or its organisation identifier; otherwise
  the record with exactly its name or title), so importing the same file twice changes nothing.
- New records arrive as drafts. A `status` of `published` is honoured only for an importer who may
  publish, and then through the publish transition. Records others may not edit (a contributor and
  a published record) are refused row by row.
- Codes are written as the vocabularies' codes (ISO country codes, SDG numbers, IATI codes,
  slugs); exports add a label column next to each code column.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, widgets

from events.models import Event, EventOrganiser
from partnerships import services
from partnerships.base import Status
from partnerships.models import (
    ActivityStatus,
    Country,
    DocumentCategory,
    Modality,
    OrganisationRole,
    OrganisationType,
    Participation,
    Partner,
    PartnerName,
    Partnership,
    Platform,
    Region,
    SDGTarget,
    SustainableDevelopmentGoal,
    Theme,
)
from reports.models import Publication, PublicationOrganisation, Series


class CodeWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the target's code or slug; an unknown one is a row error naming it."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        value = str(value).strip() if value is not None else ""
        if not value:
            return None
        try:
            return self.model._default_manager.get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(f"no {self.model._meta.verbose_name} with {self.field} “{value}”") from None


class CodesWidget(widgets.ManyToManyWidget):
    """Several codes separated by commas; unknown codes are errors, not silently dropped."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value is None or str(value).strip() == "":
            return self.model.objects.none()
        codes = [c.strip() for c in str(value).replace(";", ",").split(",") if c.strip()]
        if isinstance(value, float) and value.is_integer():
            codes = [str(int(value))]
        found = self.model.objects.filter(**{f"{self.field}__in": codes})
        known = {str(v) for v in found.values_list(self.field, flat=True)}
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValueError(f"unknown {self.model._meta.verbose_name} code(s): {', '.join(unknown)}")
        return found


def _labels(values: models.QuerySet) -> str:
    return "; ".join(str(v) for v in values)


class RecordResource(resources.ModelResource):
    """What every record resource shares: identity, status handling and permission checks."""

    status = fields.Field(attribute="status", column_name="status", readonly=True)
    status_label = fields.Field(column_name="status_label", readonly=True)
    published_at = fields.Field(attribute="published_at", column_name="published_at", readonly=True)
    last_reviewed_at = fields.Field(
        attribute="last_reviewed_at", column_name="last_reviewed_at", readonly=True
    )

    #: A callable told (row number, total rows) after each row, for progress reports.
    progress: Callable[[int, int], None] | None = None
    title_field = "title"

    class Meta:
        abstract = True
        import_id_fields = ["slug"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        skip_html_diff = False

    #: Columns written by `save_parts`, with the method that renders the current value.
    part_columns: tuple[str, ...] = ()

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Any:
        # One failing row (an exception or a validation error) rolls back the whole file.
        kwargs["rollback_on_validation_errors"] = True
        if len(dataset) > settings.IMPORT_MAX_ROWS:
            # Refused before any row is read, so a huge file cannot tie up a worker.
            result = self.get_result_class()()
            result.append_base_error(
                self.get_error_result_class()(
                    ValueError(
                        f"The file has {len(dataset)} rows; at most {settings.IMPORT_MAX_ROWS} "
                        "can be imported at once. Split it into smaller files."
                    )
                )
            )
            return result
        self._total_rows = len(dataset)
        self._user = kwargs.get("user")
        if "slug" not in (dataset.headers or []):
            # Files without slugs are matched by name or title (see get_instance).
            dataset.append_col([""] * len(dataset), header="slug")
        return super().import_data(dataset, *args, **kwargs)

    def import_field(self, field: Any, instance: Any, row: dict, is_m2m: bool = False, **kwargs: Any) -> None:
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ValueError as error:
            if not is_m2m:
                raise  # import_instance files it under the field's name
            raise ValueError(f"{field.column_name}: {error}") from error

    def import_instance(self, instance: Any, row: dict, **kwargs: Any) -> None:
        slug = instance.slug
        super().import_instance(instance, row, **kwargs)
        if not str(row.get("slug") or "").strip():
            instance.slug = slug  # an empty cell keeps the slug (a new record gets one on save)

    def skip_row(self, instance: Any, original: Any, row: dict, import_validation_errors: Any = None) -> bool:
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        if original is None or original.pk is None:
            return False
        for column in self.part_columns:
            if column in row and _normalise_parts(row.get(column)) != _normalise_parts(
                getattr(self, f"dehydrate_{column}")(original)
            ):
                return False
        wanted = str(row.get("status") or "").strip().lower()
        user = getattr(self, "_user", None)
        return not (
            wanted == Status.PUBLISHED
            and original.status != Status.PUBLISHED
            and services.user_can(user, original, "publish")
        )

    def dehydrate_status_label(self, record: Any) -> str:
        return record.get_status_display()

    def get_instance(self, instance_loader: Any, row: dict) -> Any:
        model = self._meta.model
        slug = str(row.get("slug") or "").strip()
        if slug:
            return model._default_manager.filter(slug=slug).first()
        return self.find_without_slug(row)

    def find_without_slug(self, row: dict) -> Any:
        title = str(row.get(self.title_field) or "").strip()
        if not title:
            return None
        matches = list(self._meta.model._default_manager.filter(**{f"{self.title_field}__iexact": title})[:2])
        return matches[0] if len(matches) == 1 else None

    def before_save_instance(self, instance: Any, row: dict, **kwargs: Any) -> None:
        user = kwargs.get("user")
        if instance.pk is None:
            instance.status = Status.DRAFT
            instance.created_by = _user_or_none(user)
        elif not _may_update(user, instance):
            raise ValidationError(
                f"“{instance}” is {instance.get_status_display().lower()}: "
                "only a curator may change it by import."
            )
        instance.updated_by = _user_or_none(user)

    def after_save_instance(self, instance: Any, row: dict, **kwargs: Any) -> None:
        self.save_parts(instance, row)
        wanted = str(row.get("status") or "").strip().lower()
        user = kwargs.get("user")
        if (
            wanted == Status.PUBLISHED
            and instance.status != Status.PUBLISHED
            and services.user_can(user, instance, "publish")
        ):
            services.record_publish(record=instance, user=user)

    def save_parts(self, instance: Any, row: dict) -> None:
        """Write the rows that belong to the record (participants, organisers); see subclasses."""

    def after_import_row(self, row: dict, row_result: Any, **kwargs: Any) -> None:
        if self.progress is not None:
            self.progress(kwargs.get("row_number", 0), getattr(self, "_total_rows", 0))


def _user_or_none(user: Any) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _may_update(user: Any, record: Any) -> bool:
    if _user_or_none(user) is None:
        return record.status == Status.DRAFT  # a feed without a user only refreshes drafts
    return services.user_can_edit(user, record)


def _normalise_parts(value: Any) -> set[str]:
    return {item.strip() for item in str(value or "").split(";") if item.strip()}


def _role_pairs(value: Any, column: str) -> list[tuple[str, str]]:
    """'unossc|1; wgeo|4' -> [('unossc', '1'), ('wgeo', '4')]; the role may be left out."""
    pairs = []
    for item in str(value or "").split(";"):
        item = item.strip()
        if not item:
            continue
        slug, _, role = item.partition("|")
        pairs.append((slug.strip(), role.strip()))
    return pairs


def _partners_by_slug(slugs: list[str], column: str) -> dict[str, Partner]:
    found = {p.slug: p for p in Partner.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValueError(f"{column}: unknown partner slug(s): {', '.join(unknown)}")
    return found


class PartnerResource(RecordResource):
    organisation_type = fields.Field(
        attribute="organisation_type",
        column_name="organisation_type",
        widget=CodeWidget(OrganisationType, "code"),
    )
    organisation_type_label = fields.Field(column_name="organisation_type_label", readonly=True)
    country = fields.Field(attribute="country", column_name="country", widget=CodeWidget(Country, "code"))
    country_label = fields.Field(column_name="country_label", readonly=True)
    parent = fields.Field(attribute="parent", column_name="parent", widget=CodeWidget(Partner, "slug"))
    alternative_names = fields.Field(column_name="alternative_names", readonly=True)

    title_field = "name"
    part_columns = ("alternative_names",)

    class Meta(RecordResource.Meta):
        model = Partner
        fields = [
            "slug",
            "name",
            "acronym",
            "identifier",
            "organisation_type",
            "organisation_type_label",
            "country",
            "country_label",
            "website",
            "parent",
            "description",
            "alternative_names",
            "status",
            "status_label",
            "published_at",
            "last_reviewed_at",
        ]
        export_order = fields

    def find_without_slug(self, row: dict) -> Any:
        identifier = str(row.get("identifier") or "").strip()
        if identifier:
            return Partner.objects.filter(identifier__iexact=identifier).first()
        return super().find_without_slug(row)

    def dehydrate_organisation_type_label(self, partner: Partner) -> str:
        return partner.organisation_type.name if partner.organisation_type else ""

    def dehydrate_country_label(self, partner: Partner) -> str:
        return partner.country.name if partner.country else ""

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
    activity_status = fields.Field(
        attribute="activity_status", column_name="activity_status", widget=CodeWidget(ActivityStatus, "code")
    )
    activity_status_label = fields.Field(column_name="activity_status_label", readonly=True)
    modalities = fields.Field(
        attribute="modalities", column_name="modalities", widget=CodesWidget(Modality, field="code")
    )
    platforms = fields.Field(
        attribute="platforms", column_name="platforms", widget=CodesWidget(Platform, field="slug")
    )
    sdgs = fields.Field(
        attribute="sdgs", column_name="sdgs", widget=CodesWidget(SustainableDevelopmentGoal, field="code")
    )
    sdg_labels = fields.Field(column_name="sdg_labels", readonly=True)
    sdg_targets = fields.Field(
        attribute="sdg_targets", column_name="sdg_targets", widget=CodesWidget(SDGTarget, field="code")
    )
    countries = fields.Field(
        attribute="countries", column_name="countries", widget=CodesWidget(Country, field="code")
    )
    country_labels = fields.Field(column_name="country_labels", readonly=True)
    regions = fields.Field(
        attribute="regions", column_name="regions", widget=CodesWidget(Region, field="code")
    )
    themes = fields.Field(attribute="themes", column_name="themes", widget=CodesWidget(Theme, field="slug"))
    partners = fields.Field(column_name="partners", readonly=True)
    partner_labels = fields.Field(column_name="partner_labels", readonly=True)
    part_columns = ("partners",)

    class Meta(RecordResource.Meta):
        model = Partnership
        fields = [
            "slug",
            "title",
            "summary",
            "objective",
            "description",
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
            "status",
            "status_label",
            "published_at",
            "last_reviewed_at",
        ]
        export_order = fields

    def dehydrate_activity_status_label(self, p: Partnership) -> str:
        return p.activity_status.name if p.activity_status else ""

    def dehydrate_sdg_labels(self, p: Partnership) -> str:
        return _labels(p.sdgs.all())

    def dehydrate_country_labels(self, p: Partnership) -> str:
        return _labels(p.countries.all())

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
        roles = {r.code: r for r in OrganisationRole.objects.filter(code__in=[r for _, r in pairs if r])}
        unknown = [r for _, r in pairs if r and r not in roles]
        if unknown:
            raise ValueError(f"partners: unknown IATI organisation role code(s): {', '.join(unknown)}")
        wanted = {(partners[s].pk, r or None) for s, r in pairs}
        for row_ in instance.participations.all():
            if (row_.partner_id, row_.role_id) not in wanted:
                row_.delete()
        have = set(instance.participations.values_list("partner_id", "role_id"))
        for partner_id, role in wanted - have:
            Participation.objects.create(partnership=instance, partner_id=partner_id, role_id=role)


class EventResource(RecordResource):
    event_type_label = fields.Field(column_name="event_type_label", readonly=True)
    country = fields.Field(attribute="country", column_name="country", widget=CodeWidget(Country, "code"))
    country_label = fields.Field(column_name="country_label", readonly=True)
    parent = fields.Field(attribute="parent", column_name="parent", widget=CodeWidget(Event, "slug"))
    document_symbols = fields.Field(
        attribute="document_symbols", column_name="document_symbols", widget=widgets.SimpleArrayWidget(",")
    )
    partnerships = fields.Field(
        attribute="partnerships", column_name="partnerships", widget=CodesWidget(Partnership, field="slug")
    )
    themes = fields.Field(attribute="themes", column_name="themes", widget=CodesWidget(Theme, field="slug"))
    organisers = fields.Field(column_name="organisers", readonly=True)
    organiser_labels = fields.Field(column_name="organiser_labels", readonly=True)
    part_columns = ("organisers",)

    class Meta(RecordResource.Meta):
        model = Event
        fields = [
            "slug",
            "title",
            "short_title",
            "event_type",
            "event_type_label",
            "theme",
            "description",
            "start",
            "end",
            "timezone",
            "all_day",
            "date_precision",
            "venue",
            "city",
            "country",
            "country_label",
            "attendance_mode",
            "event_status",
            "parent",
            "organisers",
            "organiser_labels",
            "partnerships",
            "themes",
            "document_symbols",
            "status",
            "status_label",
            "published_at",
        ]
        export_order = fields

    def dehydrate_event_type_label(self, e: Event) -> str:
        return e.get_event_type_display()

    def dehydrate_country_label(self, e: Event) -> str:
        return e.country.name if e.country else ""

    def dehydrate_organisers(self, e: Event) -> str:
        return "; ".join(f"{o.partner.slug}|{o.role}" for o in e.organiser_roles.select_related("partner"))

    def dehydrate_organiser_labels(self, e: Event) -> str:
        return "; ".join(
            f"{o.partner} ({o.get_role_display()})" for o in e.organiser_roles.select_related("partner")
        )

    def save_parts(self, instance: Event, row: dict) -> None:
        """The `organisers` column, when present, is the full list: `slug|role; ...`.

        The role defaults to organiser.
        """
        if "organisers" not in row:
            return
        pairs = [
            (s, r or EventOrganiser.Role.ORGANISER)
            for s, r in _role_pairs(row.get("organisers"), "organisers")
        ]
        unknown = [r for _, r in pairs if r not in EventOrganiser.Role.values]
        if unknown:
            raise ValueError(f"organisers: unknown role(s): {', '.join(unknown)}")
        partners = _partners_by_slug([s for s, _ in pairs], "organisers")
        wanted = {(partners[s].pk, r) for s, r in pairs}
        for organiser in instance.organiser_roles.all():
            if (organiser.partner_id, organiser.role) not in wanted:
                organiser.delete()
        have = set(instance.organiser_roles.values_list("partner_id", "role"))
        for partner_id, role in wanted - have:
            EventOrganiser.objects.create(event=instance, partner_id=partner_id, role=role)


class PublicationResource(RecordResource):
    publication_type_label = fields.Field(column_name="publication_type_label", readonly=True)
    document_category = fields.Field(
        attribute="document_category",
        column_name="document_category",
        widget=CodeWidget(DocumentCategory, "code"),
    )
    series = fields.Field(attribute="series", column_name="series", widget=CodeWidget(Series, "slug"))
    sdgs = fields.Field(
        attribute="sdgs", column_name="sdgs", widget=CodesWidget(SustainableDevelopmentGoal, field="code")
    )
    sdg_labels = fields.Field(column_name="sdg_labels", readonly=True)
    regions = fields.Field(
        attribute="regions", column_name="regions", widget=CodesWidget(Region, field="code")
    )
    themes = fields.Field(attribute="themes", column_name="themes", widget=CodesWidget(Theme, field="slug"))
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
            "status",
            "status_label",
            "published_at",
        ]
        export_order = fields

    def dehydrate_publication_type_label(self, p: Publication) -> str:
        return p.get_publication_type_display()

    def dehydrate_sdg_labels(self, p: Publication) -> str:
        return _labels(p.sdgs.all())

    def dehydrate_organisations(self, p: Publication) -> str:
        return "; ".join(f"{o.partner.slug}|{o.role}" for o in p.organisation_roles.select_related("partner"))

    def dehydrate_organisation_labels(self, p: Publication) -> str:
        return "; ".join(
            f"{o.partner} ({o.get_role_display()})" for o in p.organisation_roles.select_related("partner")
        )

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
        wanted = {(partners[s].pk, r) for s, r in pairs}
        for role in instance.organisation_roles.all():
            if (role.partner_id, role.role) not in wanted:
                role.delete()
        have = set(instance.organisation_roles.values_list("partner_id", "role"))
        for partner_id, role in wanted - have:
            PublicationOrganisation.objects.create(publication=instance, partner_id=partner_id, role=role)


RESOURCES: dict[str, type[RecordResource]] = {
    "partners": PartnerResource,
    "partnerships": PartnershipResource,
    "events": EventResource,
    "publications": PublicationResource,
}
