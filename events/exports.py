"""CSV columns for events: labels beside codes, one column per relation."""

from __future__ import annotations

from partnerships.exports import vocabulary
from registry.rest import Column, joined

from .models import EventOrganiser


def _organiser(role: EventOrganiser) -> str:
    return f"{role.partner.name} [{role.partner.slug}] - {role.get_role_display()}"


EVENT_COLUMNS: list[Column] = [
    ("slug", lambda e: e.slug),
    ("title", lambda e: e.title),
    ("short_title", lambda e: e.short_title),
    ("type_code", lambda e: e.event_type),
    ("type", lambda e: e.get_event_type_display()),
    ("start", lambda e: e.local_start.isoformat()),
    ("end", lambda e: e.local_end.isoformat()),
    ("timezone", lambda e: e.timezone),
    ("all_day", lambda e: e.all_day),
    ("attendance_mode_code", lambda e: e.attendance_mode),
    ("attendance_mode", lambda e: e.get_attendance_mode_display()),
    ("status_code", lambda e: e.event_status),
    ("status", lambda e: e.get_event_status_display()),
    ("venue", lambda e: e.venue),
    ("city", lambda e: e.city),
    ("country_code", lambda e: e.country_id),
    ("country", lambda e: e.country.name if e.country else ""),
    ("organisers", lambda e: joined(e.public_organisers, _organiser)),
    ("parent", lambda e: e.parent.slug if e.parent and e.parent.is_published else ""),
    ("themes", lambda e: vocabulary(e.themes.all(), code="slug")),
    ("partnerships", lambda e: joined(e.public_partnerships, lambda p: p.slug)),
    ("document_symbols", lambda e: "; ".join(e.document_symbols)),
    ("updated_at", lambda e: e.updated_at.isoformat()),
]
