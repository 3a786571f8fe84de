"""CSV columns for publications: labels beside codes, one column per relation."""

from __future__ import annotations

from partnerships.exports import vocabulary
from registry.rest import Column, joined

from .models import PublicationOrganisation


def _organisation(role: PublicationOrganisation) -> str:
    return f"{role.partner.name} [{role.partner.slug}] - {role.get_role_display()}"


PUBLICATION_COLUMNS: list[Column] = [
    ("slug", lambda p: p.slug),
    ("title", lambda p: p.title),
    ("type_code", lambda p: p.publication_type),
    ("type", lambda p: p.get_publication_type_display()),
    ("publication_date", lambda p: p.publication_date),
    ("publication_date_precision", lambda p: p.publication_date_precision),
    ("series", lambda p: f"{p.series.name} [{p.series.slug}]" if p.series else ""),
    ("authors", lambda p: joined(p.public_authorships, lambda a: f"{a.person.name} [{a.person.slug}]")),
    ("organisations", lambda p: joined(p.public_organisations, _organisation)),
    ("languages", lambda p: joined(p.language_versions.all(), lambda v: v.language_id)),
    (
        "launched_at",
        lambda p: p.launched_at.slug if p.launched_at and p.launched_at.is_published else "",
    ),
    ("sdgs", lambda p: vocabulary(p.sdgs.all(), label="short_title")),
    ("regions", lambda p: vocabulary(p.regions.all())),
    ("themes", lambda p: vocabulary(p.themes.all(), code="slug")),
    ("updated_at", lambda p: p.updated_at.isoformat()),
]
