"""Lean readers (sscregistry/lean.py) for partnerships and partners: the JSON of
`PartnershipSerializer` and `PartnerSerializer` from `values()` rows.

Drafts stay out as in the serializers: participations only of published partners, a partner's
parent only when published. The field order below is the serializers' `Meta.fields`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from sscregistry.lean import LeanReader, Row, grouped, many_to_many

from .base import Status
from .models import Participation, Partner, PartnerName, Partnership, SourceLink

PUBLISHED = Status.PUBLISHED


def code_name(code: Any, name: Any) -> dict[str, Any]:
    return {"code": code, "name": name}


def slug_name(slug: Any, name: Any) -> dict[str, Any]:
    return {"slug": slug, "name": name}


def _code_name_or_none(code: Any, name: Any) -> dict[str, Any] | None:
    return None if code is None else {"code": code, "name": name}


def sources_of(reader: LeanReader, model: type[models.Model], ids: list[Any]) -> dict[Any, list[Row]]:
    """`SourceSerializer` rows of each record (the generic relation `sources`), by record id."""
    content_type = ContentType.objects.get_for_model(model)
    rows = (
        SourceLink.objects.filter(content_type=content_type, object_id__in=ids)
        .order_by(*SourceLink._meta.ordering)
        .values_list("object_id", "url", "title", "published_on", "note")
    )
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


def partner_compact(slug: Any, name: Any, acronym: Any, country: Any) -> dict[str, Any]:
    return {"slug": slug, "name": name, "acronym": acronym, "country": country}


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
        participations = (
            Participation.objects.filter(partnership__in=ids, partner__status=PUBLISHED)
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
        participants = grouped(
            participations,
            lambda slug, name, acronym, country, role, role_name, triangular_role, description: {
                "partner": partner_compact(slug, name, acronym, country),
                "role": _code_name_or_none(role, role_name),
                "triangular_role": triangular_role,
                "description": description,
            },
        )
        modalities = grouped(many_to_many(Partnership, "modalities", ids, "code", "name"), code_name)
        platforms = grouped(many_to_many(Partnership, "platforms", ids, "slug", "name"), slug_name)
        sdgs = grouped(
            many_to_many(Partnership, "sdgs", ids, "code", "short_title"),
            lambda code, title: {"code": code, "title": title},
        )
        targets = grouped(
            many_to_many(Partnership, "sdg_targets", ids, "code", "title"),
            lambda code, title: {"code": code, "title": title},
        )
        countries = grouped(many_to_many(Partnership, "countries", ids, "code"), lambda code: code)
        regions = grouped(many_to_many(Partnership, "regions", ids, "code", "name"), code_name)
        themes = grouped(many_to_many(Partnership, "themes", ids, "slug", "name"), slug_name)
        sources = sources_of(self, Partnership, ids)

        api_url, web_url, date, datetime = self.api_url, self.web_url, self.date, self.datetime
        assert web_url is not None
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
            PartnerName.objects.filter(partner__in=ids)
            .order_by("name", "pk")  # Meta.ordering is (partner, name)
            .values_list("partner_id", "name", "language_id", "kind"),
            lambda name, language, kind: {"name": name, "language": language, "kind": kind},
        )
        sources = sources_of(self, Partner, ids)
        api_url, web_url, datetime = self.api_url, self.web_url, self.datetime
        assert web_url is not None
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
                "parent": (
                    partner_compact(
                        row["parent__slug"],
                        row["parent__name"],
                        row["parent__acronym"],
                        row["parent__country"],
                    )
                    if row["parent__status"] == PUBLISHED
                    else None
                ),
                "sources": sources.get(pk, []),
                "published_at": datetime(row["published_at"]),
                "updated_at": datetime(row["updated_at"]),
            }
            for row in rows
            for pk in (row["id"],)
        ]
