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
from registry.shapes import (
    SLUG,
    SLUG_NAME,
    TEXT,
    AnyOf,
    Cell,
    Choice,
    CodeName,
    Context,
    DumpColumn,
    Entries,
    Field,
    Many,
    Object,
    Plain,
    RecordShape,
    Relation,
    Row,
    Scalar,
    Stored,
    iso,
    joined_cell,
    many_to_many,
)
from registry.workflow import Status

from .models import Event, EventOrganiser, EventParticipant, RegistrationLink

PUBLISHED = Status.PUBLISHED

EVENT_COMPACT = Object.of("EventCompact", slug=SLUG, title=TEXT)


def LocalTime(name: str, description: str) -> Field:  # noqa: N802 (a kind of field)
    """A moment in the event's own time zone, with that zone's offset (in UTC in the dump)."""

    def local(row: Row, _entries: Entries = (), _context: Context | None = None) -> str:
        return row[name].astimezone(zoneinfo.ZoneInfo(row["timezone"])).isoformat()  # zoneinfo keeps them

    return Field(
        name,
        columns=(name, "timezone"),
        json=local,
        csv=(Cell(name, local),),
        dump=(DumpColumn(name, "datetime", description, lambda row, _entries: iso(row[name])),),
        schema=Plain(kind="date-time", help="ISO 8601 with the offset of the event's time zone."),
    )


def _speakers(ids: list[Any]) -> models.QuerySet:
    return (
        EventParticipant.objects.filter(AnyOf("event_id", ids))
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


SPEAKER = Object.of(
    "Speaker",
    person=PERSON_COMPACT.nullable(),
    description=Plain(help="Who they are, when the source does not name them."),
    role=Stored("role", EventParticipant),
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


REGISTRATION_LINK = Object.of(
    "RegistrationLink",
    kind=Stored("kind", RegistrationLink),
    url=Stored("url", RegistrationLink),
    note=Stored("note", RegistrationLink),
)


def _registration_links(ids: list[Any]) -> models.QuerySet:
    return (
        RegistrationLink.objects.filter(AnyOf("event_id", ids))
        .order_by(*RegistrationLink._meta.ordering)
        .values_list("event_id", "kind", "url", "note")
    )


def _parent(row: Row, _entries: Entries, _context: Context) -> dict[str, Any] | None:
    if row["parent__status"] != PUBLISHED:
        return None
    return EVENT_COMPACT.make(row["parent__slug"], row["parent__title"])


EVENT = RecordShape(
    Event,
    api_view="event-detail",
    web_view="events:event-detail",
    fields=[
        Scalar("title"),
        Scalar("short_title"),
        Choice("type", Event, source="event_type", csv=("type_code", "type")),
        Scalar("theme", csv=False),
        Scalar("description", csv=False),
        LocalTime("start", "Start (UTC)."),
        LocalTime("end", "End (UTC)."),
        Scalar("timezone", description="The IANA time zone the event was announced in."),
        Scalar("all_day", dump_type="boolean", description="The source gives dates without times."),
        Scalar("date_precision", csv=False, description="day, month or year."),
        Scalar("schedule_note", csv=False, dump=False),
        Choice(
            "attendance_mode",
            Event,
            csv=("attendance_mode_code", "attendance_mode"),
            description="in_person, online or hybrid.",
        ),
        Choice(
            "status",
            Event,
            source="event_status",
            csv=("status_code", "status"),
            description="scheduled, cancelled, postponed, rescheduled or moved_online.",
        ),
        Scalar("venue"),
        Scalar("city"),
        CodeName("country", csv=("country_code", "country"), description="ISO 3166-1 alpha-2."),
        PartnerRoles("organisers", EventOrganiser, "event", "Organiser"),
        Many(
            "speakers",
            Relation(("event-speakers",), _speakers),
            json=_speaker,
            item=SPEAKER,
            help="Speakers, presenters, moderators, guests and delegates, in programme order.",
        ),
        Many(
            "registration_links",
            Relation(("event-registration-links",), _registration_links),
            json=REGISTRATION_LINK,
        ),
        Field(
            "parent",
            columns=("parent_id", "parent__status", "parent__slug", "parent__title"),
            json=_parent,
            schema=EVENT_COMPACT.nullable("The event this one takes place within."),
            csv=(
                Cell(
                    "parent",
                    lambda row, _e: row["parent__slug"] if row["parent__status"] == PUBLISHED else "",
                ),
            ),
            dump=(
                DumpColumn(
                    "parent_id",
                    "integer",
                    "The event this one takes place within.",
                    lambda row, _e: row["parent_id"] if row["parent__status"] == PUBLISHED else None,
                ),
            ),
        ),
        vocabulary(Event, "themes", "slug", "name", json=SLUG_NAME, dump_description="Theme slugs."),
        Many(
            "partnerships",
            many_to_many(Event, "partnerships", "slug", "title", status=PUBLISHED),
            json=PARTNERSHIP_COMPACT,
            csv=lambda slug, _title: slug,
        ),
        Field(
            "document_symbols",
            columns=("document_symbols",),
            json=lambda row, _e, _c: row["document_symbols"],
            schema=Stored("document_symbols"),
            csv=(Cell("document_symbols", lambda row, _e: joined_cell(row["document_symbols"])),),
            dump=(
                DumpColumn(
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
