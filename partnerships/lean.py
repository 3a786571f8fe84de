"""Lean readers (registry/lean.py) for partnerships and partners: the JSON of
`PartnershipSerializer` and `PartnerSerializer` from `values()` rows, and the CSV cells of
`PARTNERSHIP_COLUMNS` and `PARTNER_COLUMNS` (partnerships/exports.py) likewise.

Drafts stay out as in the serializers: participations only of published partners, a partner's
parent only when published. The field order below is the serializers' `Meta.fields`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from partnerships.models import Participation, Partner, PartnerName, Partnership, TriangularRole
from registry.lean import (
    AnyOf,
    Build,
    LeanExport,
    LeanReader,
    Row,
    grouped,
    joined_cell,
    labelled,
    many_to_many,
    many_to_many_query,
    required_url,
    rows_for_ids,
    rows_for_ids_together,
)
from registry.models import SourceLink
from registry.workflow import Status

from .exports import PARTNER_COLUMNS, PARTNERSHIP_COLUMNS

PUBLISHED = Status.PUBLISHED


def code_name(code: Any, name: Any) -> dict[str, Any]:
    return {"code": code, "name": name}


def slug_name(slug: Any, name: Any) -> dict[str, Any]:
    return {"slug": slug, "name": name}


def _code_name_or_none(code: Any, name: Any) -> dict[str, Any] | None:
    return None if code is None else {"code": code, "name": name}


def sources_of(reader: LeanReader, model: type[models.Model], ids: list[Any]) -> dict[Any, list[Row]]:
    """`SourceSerializer` rows of each record (the generic relation `sources`), by record id."""
    return source_entries(reader, rows_for_ids(*sources_query(model), ids))


def sources_query(model: type[models.Model]) -> tuple[Hashable, Build]:
    """The `(key, build)` of a kind of record's sources, for `rows_for_ids_together()`."""
    content_type = ContentType.objects.get_for_model(model)
    return (
        ("sources", content_type.pk),
        lambda ids: (
            SourceLink.objects.filter(AnyOf("object_id", ids), content_type=content_type)
            .order_by(*SourceLink._meta.ordering)
            .values_list("object_id", "url", "title", "published_on", "note")
        ),
    )


def source_entries(reader: LeanReader, rows: list[tuple]) -> dict[Any, list[Row]]:
    """`SourceSerializer` rows by record id, from the rows of `sources_query()`."""
    date = reader.date
    return grouped(
        rows,
        lambda url, title, published_on, note: {
            "url": url,
            "title": title,
            "published_on": date(published_on),
            "note": note,
        },
    )


def participations_of(ids: list[Any]) -> list[tuple]:
    """`(partnership id, partner slug, name, acronym, country, role code, role name, triangular
    role, description)` of the published partners taking part in partnerships `ids`."""
    return rows_for_ids("participations", _participations, ids)


def _participations(ids: list[Any]) -> models.QuerySet:
    return (
        Participation.objects.filter(AnyOf("partnership_id", ids), partner__status=PUBLISHED)
        # The prefetch's order: Participation's Meta.ordering (partnership, role, id), where
        # `role` sorts by the role's code, which is role_id (missing roles last, as there).
        .order_by("role_id", "id")
        .values_list(
            "partnership_id",
            "partner__slug",
            "partner__name",
            "partner__acronym",
            "partner__country",
            "role_id",
            "role__name",
            "triangular_role",
            "description",
        )
    )


def partner_compact(slug: Any, name: Any, acronym: Any, country: Any) -> dict[str, Any]:
    return {"slug": slug, "name": name, "acronym": acronym, "country": country}


def linked_partner(row: Row, prefix: str) -> dict[str, Any] | None:
    """`PartnerCompactSerializer` of the partner a row's foreign key `prefix` names (its
    `status`, `slug`, `name`, `acronym` and `country` columns), or None unless it is published."""
    if row[f"{prefix}__status"] != PUBLISHED:
        return None
    return partner_compact(
        row[f"{prefix}__slug"], row[f"{prefix}__name"], row[f"{prefix}__acronym"], row[f"{prefix}__country"]
    )


_PARTNER_LINK_COLUMNS = ("partner__slug", "partner__name", "partner__acronym", "partner__country", "role")


def partner_links(model: type[models.Model], parent: str) -> Build:
    """The build, for `rows_for_ids()`, of a link model's published partners and their role by
    parent id (an event's organisers, a publication's organisations), in the model's order."""

    def build(ids: list[Any]) -> models.QuerySet:
        return (
            model.objects.filter(AnyOf(f"{parent}_id", ids), partner__status=PUBLISHED)
            .order_by(*model._meta.ordering)
            .values_list(f"{parent}_id", *_PARTNER_LINK_COLUMNS)
        )

    return build


class PartnershipReader(LeanReader):
    api_view_name = "partnership-detail"
    web_view_name = "partnerships:partnership-detail"
    columns = (
        "id",
        "slug",
        "title",
        "summary",
        "objective",
        "description",
        "activity_status_id",
        "activity_status__name",
        "start_date",
        "start_date_precision",
        "end_date",
        "end_date_precision",
        "published_at",
        "updated_at",
    )

    def records(self, rows: list[Row]) -> list[Row]:
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        (
            participations,
            modality_rows,
            platform_rows,
            sdg_rows,
            target_rows,
            country_rows,
            region_rows,
            theme_rows,
            source_rows,
        ) = rows_for_ids_together(
            [
                ("participations", _participations),
                many_to_many_query(Partnership, "modalities", "code", "name"),
                many_to_many_query(Partnership, "platforms", "slug", "name"),
                many_to_many_query(Partnership, "sdgs", "code", "short_title"),
                many_to_many_query(Partnership, "sdg_targets", "code", "title"),
                many_to_many_query(Partnership, "countries", "code"),
                many_to_many_query(Partnership, "regions", "code", "name"),
                many_to_many_query(Partnership, "themes", "slug", "name"),
                sources_query(Partnership),
            ],
            ids,
        )
        participants = grouped(
            participations,
            lambda slug, name, acronym, country, role, role_name, triangular_role, description: {
                "partner": partner_compact(slug, name, acronym, country),
                "role": _code_name_or_none(role, role_name),
                "triangular_role": triangular_role,
                "description": description,
            },
        )
        modalities = grouped(modality_rows, code_name)
        platforms = grouped(platform_rows, slug_name)
        sdgs = grouped(sdg_rows, lambda code, title: {"code": code, "title": title})
        targets = grouped(target_rows, lambda code, title: {"code": code, "title": title})
        countries = grouped(country_rows, lambda code: code)
        regions = grouped(region_rows, code_name)
        themes = grouped(theme_rows, slug_name)
        sources = source_entries(self, source_rows)

        api_url, web_url, date, datetime = self.api_url, self.web_url, self.date, self.datetime
        web_url = required_url(web_url)
        return [
            {
                "slug": row["slug"],
                "url": api_url(row["slug"]),
                "web_url": web_url(row["slug"]),
                "title": row["title"],
                "summary": row["summary"],
                "objective": row["objective"],
                "description": row["description"],
                "modalities": modalities.get(pk, []),
                "status": _code_name_or_none(row["activity_status_id"], row["activity_status__name"]),
                "start_date": date(row["start_date"]),
                "start_date_precision": row["start_date_precision"],
                "end_date": date(row["end_date"]),
                "end_date_precision": row["end_date_precision"],
                "participants": participants.get(pk, []),
                "platforms": platforms.get(pk, []),
                "sdgs": sdgs.get(pk, []),
                "sdg_targets": targets.get(pk, []),
                "countries": countries.get(pk, []),
                "regions": regions.get(pk, []),
                "themes": themes.get(pk, []),
                "sources": sources.get(pk, []),
                "published_at": datetime(row["published_at"]),
                "updated_at": datetime(row["updated_at"]),
            }
            for row in rows
            for pk in (row["id"],)
        ]


class PartnerReader(LeanReader):
    api_view_name = "partner-detail"
    web_view_name = "partnerships:partner-detail"
    columns = (
        "id",
        "slug",
        "name",
        "acronym",
        "organisation_type_id",
        "organisation_type__name",
        "country_id",
        "country__name",
        "identifier",
        "website",
        "description",
        "parent__status",
        "parent__slug",
        "parent__name",
        "parent__acronym",
        "parent__country",
        "published_at",
        "updated_at",
    )

    def records(self, rows: list[Row]) -> list[Row]:
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        names = grouped(
            PartnerName.objects.filter(AnyOf("partner_id", ids))
            .order_by("name", "pk")  # Meta.ordering is (partner, name)
            .values_list("partner_id", "name", "language_id", "kind"),
            lambda name, language, kind: {"name": name, "language": language, "kind": kind},
        )
        sources = sources_of(self, Partner, ids)
        api_url, web_url, datetime = self.api_url, self.web_url, self.datetime
        web_url = required_url(web_url)
        return [
            {
                "slug": row["slug"],
                "url": api_url(row["slug"]),
                "web_url": web_url(row["slug"]),
                "name": row["name"],
                "acronym": row["acronym"],
                "alternative_names": names.get(pk, []),
                "type": _code_name_or_none(row["organisation_type_id"], row["organisation_type__name"]),
                "country": _code_name_or_none(row["country_id"], row["country__name"]),
                "identifier": row["identifier"],
                "website": row["website"],
                "description": row["description"],
                "parent": linked_partner(row, "parent"),
                "sources": sources.get(pk, []),
                "published_at": datetime(row["published_at"]),
                "updated_at": datetime(row["updated_at"]),
            }
            for row in rows
            for pk in (row["id"],)
        ]


class PersonReader(LeanReader):
    """People have no page of their own: `web_url` is always null, as in the serializer."""

    api_view_name = "person-detail"
    columns = (
        "slug",
        "name",
        "position",
        "affiliation__status",
        "affiliation__slug",
        "affiliation__name",
        "affiliation__acronym",
        "affiliation__country",
        "published_at",
        "updated_at",
    )

    def records(self, rows: list[Row]) -> list[Row]:
        api_url, datetime = self.api_url, self.datetime
        return [
            {
                "slug": row["slug"],
                "url": api_url(row["slug"]),
                "web_url": None,
                "name": row["name"],
                "position": row["position"],
                "affiliation": linked_partner(row, "affiliation"),
                "published_at": datetime(row["published_at"]),
                "updated_at": datetime(row["updated_at"]),
            }
            for row in rows
        ]


class PartnershipExport(LeanExport):
    """`PARTNERSHIP_COLUMNS` and `web_url`."""

    header = (*(name for name, _ in PARTNERSHIP_COLUMNS), "web_url")
    web_view_name = "partnerships:partnership-detail"
    columns = (
        "id",
        "slug",
        "title",
        "summary",
        "activity_status_id",
        "activity_status__name",
        "start_date",
        "start_date_precision",
        "end_date",
        "end_date_precision",
        "updated_at",
    )

    def chunk(self, rows: list[tuple]) -> Iterator[list[Any]]:
        ids = [row[0] for row in rows]
        triangular = {value: str(label) for value, label in TriangularRole.choices}

        def participant(*row: Any) -> str:
            slug, name, acronym, _country, role, role_name, triangular_role, _description = row
            # As _participant() in exports.py: the IATI role's name, then the triangular role's.
            shown_roles = (
                role_name if role is not None else "",
                triangular.get(triangular_role, triangular_role),
            )
            roles = [r for r in shown_roles if r]
            shown = f"{name} ({acronym})" if acronym else name
            return f"{shown} [{slug}]" + (f" - {', '.join(roles)}" if roles else "")

        participants = grouped(participations_of(ids), participant)
        modalities = grouped(many_to_many(Partnership, "modalities", ids, "name", "code"), labelled)
        platforms = grouped(many_to_many(Partnership, "platforms", ids, "name", "slug"), labelled)
        sdgs = grouped(many_to_many(Partnership, "sdgs", ids, "short_title", "code"), labelled)
        targets = grouped(many_to_many(Partnership, "sdg_targets", ids, "code"), str)
        countries = grouped(many_to_many(Partnership, "countries", ids, "name", "code"), labelled)
        regions = grouped(many_to_many(Partnership, "regions", ids, "name", "code"), labelled)
        themes = grouped(many_to_many(Partnership, "themes", ids, "name", "slug"), labelled)
        web_url = self.web_url
        web_url = required_url(web_url)
        for (
            pk,
            slug,
            title,
            summary,
            status_code,
            status,
            start_date,
            start_precision,
            end_date,
            end_precision,
            updated_at,
        ) in rows:
            yield [
                slug,
                title,
                summary,
                joined_cell(modalities.get(pk)),
                status_code,
                status if status_code is not None else "",
                start_date,
                start_precision,
                end_date,
                end_precision,
                joined_cell(participants.get(pk)),
                joined_cell(platforms.get(pk)),
                joined_cell(sdgs.get(pk)),
                joined_cell(targets.get(pk)),
                joined_cell(countries.get(pk)),
                joined_cell(regions.get(pk)),
                joined_cell(themes.get(pk)),
                updated_at.isoformat(),
                web_url(slug),
            ]


class PartnerExport(LeanExport):
    """`PARTNER_COLUMNS` and `web_url`."""

    header = (*(name for name, _ in PARTNER_COLUMNS), "web_url")
    web_view_name = "partnerships:partner-detail"
    columns = (
        "id",
        "slug",
        "name",
        "acronym",
        "organisation_type_id",
        "organisation_type__name",
        "country_id",
        "country__name",
        "identifier",
        "website",
        "parent__status",
        "parent__slug",
        "updated_at",
    )

    def chunk(self, rows: list[tuple]) -> Iterator[list[Any]]:
        ids = [row[0] for row in rows]
        names = grouped(
            PartnerName.objects.filter(AnyOf("partner_id", ids))
            .order_by("name", "pk")
            .values_list("partner_id", "name"),
            str,
        )
        web_url = self.web_url
        web_url = required_url(web_url)
        for (
            pk,
            slug,
            name,
            acronym,
            type_code,
            type_name,
            country_code,
            country_name,
            identifier,
            website,
            parent_status,
            parent_slug,
            updated_at,
        ) in rows:
            yield [
                slug,
                name,
                acronym,
                joined_cell(names.get(pk)),
                type_code,
                type_name if type_code is not None else "",
                country_code,
                country_name if country_code is not None else "",
                identifier,
                website,
                parent_slug if parent_status == PUBLISHED else "",
                updated_at.isoformat(),
                web_url(slug),
            ]
