"""The public shape (registry/shapes.py) of events.

Drafts stay out: organisers, speakers and the partners they represent only when published, the
parent event and partnerships likewise. Times are shown in the event's own zone in JSON and the
API's CSV, in UTC in the dump.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.db import models
from django.db.models import Q

from partnerships.shapes import (
    PARTNER_COMPACT,
    PARTNERSHIP_COMPACT,
    PERSON_COMPACT,
    PartnerRoles,
    Sources,
    vocabulary,
)
from registry import shapes
from registry.workflow import Status

from .models import Event, EventOrganiser, EventParticipant, RegistrationLink

PUBLISHED = Status.PUBLISHED

EVENT_COMPACT = shapes.Object.of("EventCompact", slug=shapes.SLUG, title=shapes.TEXT)


def LocalTime(name: str, description: str) -> shapes.Field:  # noqa: N802 (a kind of field)
    """A moment in the event's own time zone, with that zone's offset (in UTC in the dump)."""

    def local(row: shapes.Row, _entries: shapes.Entries = (), _context: shapes.Context | None = None) -> str:
        return row[name].astimezone(zoneinfo.ZoneInfo(row["timezone"])).isoformat()  # zoneinfo keeps them

    return shapes.Field(
        name,
        columns=(name, "timezone"),
        json=local,
        csv=(shapes.Cell(name, local),),
        dump=(shapes.DumpColumn(name, "datetime", description, lambda row, _entries: shapes.iso(row[name])),),
        schema=shapes.Plain(kind="date-time", help="ISO 8601 with the offset of the event's time zone."),
    )


def _speakers(ids: list[Any]) -> models.QuerySet:
    return (
        EventParticipant.objects.filter(shapes.AnyOf("event_id", ids))
        .filter(Q(person__isnull=True) | Q(person__status=PUBLISHED))
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


SPEAKER = shapes.Object.of(
    "Speaker",
    person=PERSON_COMPACT.nullable(),
    description=shapes.Plain(help="Who they are, when the source does not name them."),
    role=shapes.Stored("role", EventParticipant),
    representing=PARTNER_COMPACT.nullable(),
)


def _speaker(
    person: Any,
    slug: Any,
    name: Any,
    description: Any,
    role: Any,
    representing_status: Any,
    *representing: Any,
) -> dict[str, Any]:
    return SPEAKER.make(
        PERSON_COMPACT.make(slug, name) if person is not None else None,
        description,
        role,
        PARTNER_COMPACT.make(*representing) if representing_status == PUBLISHED else None,
    )


REGISTRATION_LINK = shapes.Object.of(
    "RegistrationLink",
    kind=shapes.Stored("kind", RegistrationLink),
    url=shapes.Stored("url", RegistrationLink),
    note=shapes.Stored("note", RegistrationLink),
)


def _registration_links(ids: list[Any]) -> models.QuerySet:
    return (
        RegistrationLink.objects.filter(shapes.AnyOf("event_id", ids))
        .order_by(*RegistrationLink._meta.ordering)
        .values_list("event_id", "kind", "url", "note")
    )


EVENT = shapes.RecordShape(
    Event,
    api_view="event-detail",
    web_view="events:event-detail",
    fields=[
        shapes.Scalar("title"),
        shapes.Scalar("short_title"),
        shapes.Choice("type", Event, source="event_type", csv=("type_code", "type")),
        shapes.Scalar("theme", csv=False),
        shapes.Scalar("description", csv=False),
        shapes.ContentLanguage(),
        LocalTime("start", "Start (UTC)."),
        LocalTime("end", "End (UTC)."),
        shapes.Scalar("timezone", description="The IANA time zone the event was announced in."),
        shapes.Scalar("all_day", dump_type="boolean", description="The source gives dates without times."),
        shapes.Scalar("date_precision", csv=False, description="day, month or year."),
        shapes.Scalar("schedule_note", csv=False, dump=False),
        shapes.Choice(
            "attendance_mode",
            Event,
            csv=("attendance_mode_code", "attendance_mode"),
            description="in_person, online or hybrid.",
        ),
        shapes.Choice(
            "status",
            Event,
            source="event_status",
            csv=("status_code", "status"),
            description="scheduled, cancelled, postponed, rescheduled or moved_online.",
        ),
        shapes.Scalar("venue"),
        shapes.Scalar("city"),
        shapes.CodeName("country", csv=("country_code", "country"), description="ISO 3166-1 alpha-2."),
        PartnerRoles("organisers", EventOrganiser, "event", "Organiser"),
        shapes.Many(
            "speakers",
            shapes.Relation(("event-speakers",), _speakers),
            json=_speaker,
            item=SPEAKER,
            help="Speakers, presenters, moderators, guests and delegates, in programme order.",
        ),
        shapes.Many(
            "registration_links",
            shapes.Relation(("event-registration-links",), _registration_links),
            json=REGISTRATION_LINK,
        ),
        shapes.LinkedRecord(
            "parent",
            EVENT_COMPACT,
            dump="parent_id",
            dump_description="The event this one takes place within.",
            help="The event this one takes place within.",
        ),
        vocabulary(Event, "themes", "slug", "name", json=shapes.SLUG_NAME, dump_description="Theme slugs."),
        shapes.Many(
            "partnerships",
            shapes.many_to_many(Event, "partnerships", "slug", "title", status=PUBLISHED),
            json=PARTNERSHIP_COMPACT,
            csv=lambda slug, _title: slug,
        ),
        shapes.Field(
            "document_symbols",
            columns=("document_symbols",),
            json=lambda row, _e, _c: row["document_symbols"],
            schema=shapes.Stored("document_symbols"),
            csv=(
                shapes.Cell("document_symbols", lambda row, _e: shapes.joined_cell(row["document_symbols"])),
            ),
            dump=(
                shapes.DumpColumn(
                    "document_symbols",
                    "array",
                    "UN document symbols.",
                    lambda row, _e: list(row["document_symbols"]),
                    many=True,
                ),
            ),
        ),
        Sources(Event),
    ],
)
