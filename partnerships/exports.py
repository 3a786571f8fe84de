"""CSV columns for partnerships and partners: labels beside codes, one column per relation."""

from __future__ import annotations

from typing import Any

from registry.rest import Column, joined

from .models import Participation


def vocabulary(entries: Any, code: str = "code", label: str = "name") -> str:
    """`Label [code]; ...` for linked vocabulary entries."""
    return joined(entries, lambda entry: f"{getattr(entry, label)} [{getattr(entry, code)}]")


def _participant(participation: Participation) -> str:
    partner = participation.partner
    roles = [
        r
        for r in (
            participation.role.name if participation.role else "",
            participation.get_triangular_role_display(),
        )
        if r
    ]
    name = f"{partner.name} ({partner.acronym})" if partner.acronym else partner.name
    return f"{name} [{partner.slug}]" + (f" - {', '.join(roles)}" if roles else "")


PARTNERSHIP_COLUMNS: list[Column] = [
    ("slug", lambda p: p.slug),
    ("title", lambda p: p.title),
    ("summary", lambda p: p.summary),
    ("modalities", lambda p: vocabulary(p.modalities.all())),
    ("status_code", lambda p: p.activity_status_id),
    ("status", lambda p: p.activity_status.name if p.activity_status else ""),
    ("start_date", lambda p: p.start_date),
    ("start_date_precision", lambda p: p.start_date_precision),
    ("end_date", lambda p: p.end_date),
    ("end_date_precision", lambda p: p.end_date_precision),
    ("participants", lambda p: joined(p.public_participations, _participant)),
    ("platforms", lambda p: vocabulary(p.platforms.all(), code="slug")),
    ("sdgs", lambda p: vocabulary(p.sdgs.all(), label="short_title")),
    ("sdg_targets", lambda p: joined(p.sdg_targets.all(), lambda t: t.code)),
    ("countries", lambda p: vocabulary(p.countries.all())),
    ("regions", lambda p: vocabulary(p.regions.all())),
    ("themes", lambda p: vocabulary(p.themes.all(), code="slug")),
    ("updated_at", lambda p: p.updated_at.isoformat()),
]


PARTNER_COLUMNS: list[Column] = [
    ("slug", lambda p: p.slug),
    ("name", lambda p: p.name),
    ("acronym", lambda p: p.acronym),
    ("alternative_names", lambda p: joined(p.alternative_names.all(), lambda n: n.name)),
    ("type_code", lambda p: p.organisation_type_id),
    ("type", lambda p: p.organisation_type.name if p.organisation_type else ""),
    ("country_code", lambda p: p.country_id),
    ("country", lambda p: p.country.name if p.country else ""),
    ("identifier", lambda p: p.identifier),
    ("website", lambda p: p.website),
    ("parent", lambda p: p.parent.slug if p.parent and p.parent.is_published else ""),
    ("updated_at", lambda p: p.updated_at.isoformat()),
]
