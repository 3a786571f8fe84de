"""The lean CSV export of events (sscregistry/lean.py): the cells of `EVENT_COLUMNS`
(events/exports.py) from `values_list()` rows, without model instances or prefetches.

As in the columns: organisers only of published partners, partnerships and the parent event only
when published, times in the event's own zone.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from typing import Any

from partnerships.base import Status
from sscregistry.lean import (
    AnyOf,
    LeanExport,
    choice_labels,
    grouped,
    joined_cell,
    labelled,
    many_to_many,
    required_url,
)

from .exports import EVENT_COLUMNS
from .models import Event, EventOrganiser


class EventExport(LeanExport):
    """`EVENT_COLUMNS` and `web_url`."""

    header = (*(name for name, _ in EVENT_COLUMNS), "web_url")
    web_view_name = "events:event-detail"
    columns = (
        "id",
        "slug",
        "title",
        "short_title",
        "event_type",
        "start",
        "end",
        "timezone",
        "all_day",
        "attendance_mode",
        "event_status",
        "venue",
        "city",
        "country_id",
        "country__name",
        "parent__status",
        "parent__slug",
        "document_symbols",
        "updated_at",
    )

    def chunk(self, rows: list[tuple]) -> Iterator[list[Any]]:
        ids = [row[0] for row in rows]
        types = choice_labels(Event, "event_type")
        modes = choice_labels(Event, "attendance_mode")
        statuses = choice_labels(Event, "event_status")
        roles = choice_labels(EventOrganiser, "role")
        organisers = grouped(
            EventOrganiser.objects.filter(AnyOf("event_id", ids), partner__status=Status.PUBLISHED)
            .order_by(*EventOrganiser._meta.ordering)
            .values_list("event_id", "partner__name", "partner__slug", "role"),
            lambda name, slug, role: f"{name} [{slug}] - {roles.get(role, role)}",
        )
        themes = grouped(many_to_many(Event, "themes", ids, "name", "slug"), labelled)
        partnerships = grouped(many_to_many(Event, "partnerships", ids, "slug", published=True), str)
        zones: dict[str, zoneinfo.ZoneInfo] = {}
        web_url = required_url(self.web_url)
        for (
            pk,
            slug,
            title,
            short_title,
            event_type,
            start,
            end,
            timezone,
            all_day,
            attendance_mode,
            event_status,
            venue,
            city,
            country_code,
            country_name,
            parent_status,
            parent_slug,
            document_symbols,
            updated_at,
        ) in rows:
            zone = zones.get(timezone) or zones.setdefault(timezone, zoneinfo.ZoneInfo(timezone))
            yield [
                slug,
                title,
                short_title,
                event_type,
                types.get(event_type, event_type),
                start.astimezone(zone).isoformat(),
                end.astimezone(zone).isoformat(),
                timezone,
                all_day,
                attendance_mode,
                modes.get(attendance_mode, attendance_mode),
                event_status,
                statuses.get(event_status, event_status),
                venue,
                city,
                country_code,
                country_name if country_code is not None else "",
                joined_cell(organisers.get(pk)),
                parent_slug if parent_status == Status.PUBLISHED else "",
                joined_cell(themes.get(pk)),
                joined_cell(partnerships.get(pk)),
                "; ".join(document_symbols),
                updated_at.isoformat(),
                web_url(slug),
            ]
