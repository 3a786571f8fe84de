"""schema.org descriptions of events (registered with the public type, events/apps.py)."""

from __future__ import annotations

import datetime
from typing import Any

from partnerships.jsonld import organization_ref
from registry.jsonld import SCHEMA, compact, one_or_many, partial_date
from registry.site import AbsoluteUrl
from registry.workflow import DatePrecision

from .models import Event, EventOrganiser, RegistrationLink

ATTENDANCE_MODE = {
    Event.AttendanceMode.IN_PERSON: "OfflineEventAttendanceMode",
    Event.AttendanceMode.ONLINE: "OnlineEventAttendanceMode",
    Event.AttendanceMode.HYBRID: "MixedEventAttendanceMode",
}
EVENT_STATUS = {
    Event.EventStatus.SCHEDULED: "EventScheduled",
    Event.EventStatus.CANCELLED: "EventCancelled",
    Event.EventStatus.POSTPONED: "EventPostponed",
    Event.EventStatus.RESCHEDULED: "EventRescheduled",
    Event.EventStatus.MOVED_ONLINE: "EventMovedOnline",
}
ORGANISER_PROPERTY = {
    EventOrganiser.Role.ORGANISER: "organizer",
    EventOrganiser.Role.CO_ORGANISER: "organizer",
    EventOrganiser.Role.HOST: "organizer",
    EventOrganiser.Role.SPONSOR: "sponsor",
    EventOrganiser.Role.PARTNER: "contributor",
}


def _event_date(event: Event, moment: datetime.datetime) -> str:
    """A time with the offset of the event's own zone; a date for all-day or partly known events."""
    if event.date_precision != DatePrecision.DAY:
        return partial_date(moment.date(), event.date_precision) or ""
    if event.all_day:
        return moment.date().isoformat()
    return moment.isoformat()


def _event_location(event: Event, page: str) -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = []
    online = event.attendance_mode in (Event.AttendanceMode.ONLINE, Event.AttendanceMode.HYBRID) or (
        event.event_status == Event.EventStatus.MOVED_ONLINE
    )
    in_person = event.attendance_mode in (Event.AttendanceMode.IN_PERSON, Event.AttendanceMode.HYBRID)
    if in_person and event.event_status != Event.EventStatus.MOVED_ONLINE:
        address = compact(
            {
                "@type": "PostalAddress",
                "addressLocality": event.city,
                "addressCountry": event.country_id,
            }
        )
        places.append(
            compact(
                {
                    "@type": "Place",
                    "name": event.venue or event.city or (str(event.country) if event.country_id else ""),
                    "address": address if len(address) > 1 else None,
                }
            )
        )
    if online:
        links = [
            link.url
            for link in event.registration_links.all()
            if link.url and link.kind in (RegistrationLink.Kind.ONLINE, RegistrationLink.Kind.GENERAL)
        ]
        places.append(compact({"@type": "VirtualLocation", "url": links[0] if links else page}))
    return places


def event(event: Event, absolute_url: AbsoluteUrl) -> dict[str, Any]:
    page = absolute_url(event.get_absolute_url())
    roles: dict[str, list[dict[str, Any]]] = {}
    for role in event.organiser_roles.all():
        if role.partner.is_published:
            roles.setdefault(ORGANISER_PROPERTY[role.role], []).append(
                organization_ref(role.partner, absolute_url)
            )
    parent = event.parent if event.parent_id and event.parent.is_published else None
    data = {
        "@context": SCHEMA,
        "@type": "Event",
        "@id": f"{page}#event",
        "name": event.title,
        "alternateName": event.short_title,
        "url": page,
        "description": event.description or event.theme,
        "startDate": _event_date(event, event.local_start),
        "endDate": _event_date(event, event.local_end),
        "eventAttendanceMode": f"{SCHEMA}/{ATTENDANCE_MODE[event.attendance_mode]}",
        "eventStatus": f"{SCHEMA}/{EVENT_STATUS[event.event_status]}",
        "location": one_or_many(_event_location(event, page)) or None,
        "superEvent": (
            {
                "@type": "Event",
                "@id": f"{absolute_url(parent.get_absolute_url())}#event",
                "name": parent.title,
            }
            if parent
            else None
        ),
        "subEvent": [
            {"@type": "Event", "@id": f"{absolute_url(s.get_absolute_url())}#event", "name": s.title}
            for s in event.side_events.all()
            if s.is_published
        ],
        "keywords": event.theme,
    }
    data |= {prop: one_or_many(orgs) for prop, orgs in roles.items()}
    return compact(data)
