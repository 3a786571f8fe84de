"""Lean readers of events (registry/lean.py): `EventSerializer`'s JSON and the cells of
`EVENT_COLUMNS` (events/exports.py) from `values()` rows, without model instances or prefetches.

As in the columns: organisers only of published partners, partnerships and the parent event only
when published, times in the event's own zone.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models import Q

from partnerships.lean import (
    code_name,
    partner_compact,
    partner_links,
    slug_name,
    source_entries,
    sources_query,
)
from registry.lean import (
    AnyOf,
    LeanExport,
    LeanReader,
    Row,
    choice_labels,
    grouped,
    joined_cell,
    labelled,
    many_to_many_query,
    required_url,
    rows_for_ids_together,
)
from registry.workflow import Status

from .exports import EVENT_COLUMNS
from .models import Event, EventOrganiser, EventParticipant, RegistrationLink


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
        # The reader's relation queries (compiled once, sent together), with the cells' columns.
        organiser_rows, theme_rows, partnership_rows = rows_for_ids_together(
            [
                ("event-organisers", _organisers),
                many_to_many_query(Event, "themes", "slug", "name"),
                many_to_many_query(Event, "partnerships", "slug", "title", published=True),
            ],
            ids,
        )
        organisers = grouped(
            organiser_rows,
            lambda slug, name, _acronym, _country, role: f"{name} [{slug}] - {roles.get(role, role)}",
        )
        themes = grouped(theme_rows, lambda slug, name: labelled(name, slug))
        partnerships = grouped(partnership_rows, lambda slug, _title: slug)
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
            zone = zoneinfo.ZoneInfo(timezone)  # kept by zoneinfo's own cache
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


class EventReader(LeanReader):
    """`EventSerializer`'s JSON: drafts stay out as there (organisers, speakers and the partners
    they represent only when published, the parent and partnerships likewise)."""

    api_view_name = "event-detail"
    web_view_name = "events:event-detail"
    columns = (
        "id",
        "slug",
        "title",
        "short_title",
        "event_type",
        "theme",
        "description",
        "start",
        "end",
        "timezone",
        "all_day",
        "date_precision",
        "schedule_note",
        "attendance_mode",
        "event_status",
        "venue",
        "city",
        "country_id",
        "country__name",
        "parent__status",
        "parent__slug",
        "parent__title",
        "document_symbols",
        "published_at",
        "updated_at",
    )

    def records(self, rows: list[Row]) -> list[Row]:
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        organiser_rows, speaker_rows, link_rows, theme_rows, partnership_rows, source_rows = (
            rows_for_ids_together(
                [
                    ("event-organisers", _organisers),
                    ("event-speakers", _speakers),
                    ("event-registration-links", _registration_links),
                    many_to_many_query(Event, "themes", "slug", "name"),
                    many_to_many_query(Event, "partnerships", "slug", "title", published=True),
                    sources_query(Event),
                ],
                ids,
            )
        )
        organisers = grouped(
            organiser_rows,
            lambda slug, name, acronym, country, role: {
                "partner": partner_compact(slug, name, acronym, country),
                "role": role,
            },
        )
        speakers = grouped(speaker_rows, _speaker)
        links = grouped(link_rows, lambda kind, url, note: {"kind": kind, "url": url, "note": note})
        themes = grouped(theme_rows, slug_name)
        partnerships = grouped(partnership_rows, lambda slug, title: {"slug": slug, "title": title})
        sources = source_entries(self, source_rows)
        api_url, web_url, datetime = self.api_url, required_url(self.web_url), self.datetime
        records = []
        for row in rows:
            pk, slug, timezone = row["id"], row["slug"], row["timezone"]
            zone = zoneinfo.ZoneInfo(timezone)  # kept by zoneinfo's own cache
            country = row["country_id"]
            records.append(
                {
                    "slug": slug,
                    "url": api_url(slug),
                    "web_url": web_url(slug),
                    "title": row["title"],
                    "short_title": row["short_title"],
                    "type": row["event_type"],
                    "theme": row["theme"],
                    "description": row["description"],
                    "start": row["start"].astimezone(zone).isoformat(),
                    "end": row["end"].astimezone(zone).isoformat(),
                    "timezone": timezone,
                    "all_day": row["all_day"],
                    "date_precision": row["date_precision"],
                    "schedule_note": row["schedule_note"],
                    "attendance_mode": row["attendance_mode"],
                    "status": row["event_status"],
                    "venue": row["venue"],
                    "city": row["city"],
                    "country": None if country is None else code_name(country, row["country__name"]),
                    "organisers": organisers.get(pk, []),
                    "speakers": speakers.get(pk, []),
                    "registration_links": links.get(pk, []),
                    "parent": (
                        {"slug": row["parent__slug"], "title": row["parent__title"]}
                        if row["parent__status"] == Status.PUBLISHED
                        else None
                    ),
                    "themes": themes.get(pk, []),
                    "partnerships": partnerships.get(pk, []),
                    "document_symbols": row["document_symbols"],
                    "sources": sources.get(pk, []),
                    "published_at": datetime(row["published_at"]),
                    "updated_at": datetime(row["updated_at"]),
                }
            )
        return records


_organisers = partner_links(EventOrganiser, "event")


def _registration_links(ids: list[Any]) -> models.QuerySet:
    return (
        RegistrationLink.objects.filter(AnyOf("event_id", ids))
        .order_by(*RegistrationLink._meta.ordering)
        .values_list("event_id", "kind", "url", "note")
    )


def _speakers(ids: list[Any]) -> models.QuerySet:
    return (
        EventParticipant.objects.filter(AnyOf("event_id", ids))
        .filter(Q(person__isnull=True) | Q(person__status=Status.PUBLISHED))
        .order_by(*EventParticipant._meta.ordering)
        .values_list(
            "event_id",
            "person_id",
            "person__slug",
            "person__name",
            "description",
            "role",
            "representing__status",
            "representing__slug",
            "representing__name",
            "representing__acronym",
            "representing__country",
        )
    )


def _speaker(
    person: Any,
    person_slug: Any,
    person_name: Any,
    description: Any,
    role: Any,
    representing_status: Any,
    *representing: Any,
) -> Row:
    return {
        "person": {"slug": person_slug, "name": person_name} if person is not None else None,
        "description": description,
        "role": role,
        "representing": partner_compact(*representing) if representing_status == Status.PUBLISHED else None,
    }
