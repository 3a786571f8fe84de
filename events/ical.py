"""Events as iCalendar (RFC 5545): what calendar applications import and subscribe to."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable

import icalendar
from django.http import HttpResponse

from registry.workflow import DatePrecision

from .models import Event

PRODID = "-//SSC Registry//Events//EN"

# A fixed namespace, so that an event's UID never changes, whatever host name serves the file.
# RFC 7986 (5.3) recommends UUIDs for UIDs.
UID_NAMESPACE = uuid.UUID("6f1f0c8e-3c0b-5b7e-9a51-2f0a3c1d5e77")

ICAL_STATUS = {
    Event.EventStatus.SCHEDULED: "CONFIRMED",
    Event.EventStatus.RESCHEDULED: "CONFIRMED",
    Event.EventStatus.MOVED_ONLINE: "CONFIRMED",
    # A postponed event's dates no longer hold, but it has not been called off.
    Event.EventStatus.POSTPONED: "TENTATIVE",
    Event.EventStatus.CANCELLED: "CANCELLED",
}


def event_uid(event: Event) -> str:
    return f"{uuid.uuid5(UID_NAMESPACE, f'event:{event.pk}')}"


def event_location(event: Event) -> str:
    """'Venue, City, Country', with 'online' said when people can also (or only) join online."""
    place = ", ".join(part for part in (event.venue, event.city, str(event.country or "")) if part)
    if (
        event.attendance_mode == Event.AttendanceMode.ONLINE
        or event.event_status == Event.EventStatus.MOVED_ONLINE
    ):
        return "Online"
    if event.attendance_mode == Event.AttendanceMode.HYBRID:
        return f"{place} and online" if place else "Online and in person"
    return place


def event_component(event: Event, *, url: str) -> icalendar.Event:
    """One VEVENT. All-day events use dates, with the exclusive end day RFC 5545 asks for."""
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    # Without a METHOD, DTSTAMP is when the information was last revised (RFC 5545, 3.8.7.2).
    vevent.add("dtstamp", event.updated_at)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("summary", event.title)
    if event.all_day:
        vevent.add("dtstart", event.local_start.date())
        vevent.add("dtend", event.local_end.date() + datetime.timedelta(days=1))
    else:
        vevent.add("dtstart", event.local_start)
        vevent.add("dtend", event.local_end)
    if location := event_location(event):
        vevent.add("location", location)
    description = "\n\n".join(part for part in (event.theme, event.description, url) if part)
    vevent.add("description", description)
    vevent.add("url", url)
    vevent.add("status", ICAL_STATUS.get(event.event_status, "CONFIRMED"))
    vevent.add("categories", [event.get_event_type_display()])
    vevent.add("class", "PUBLIC")
    return vevent


def events_calendar(
    events: Iterable[Event], *, name: str, absolute_url: Callable[[str], str]
) -> icalendar.Calendar:
    """A VCALENDAR of `events`, with a VTIMEZONE for every zone a timed event uses.

    Events known only by month or year are left out: a calendar entry needs a day.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Apple, Google and Outlook read
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None
    for event in events:
        if event.date_precision != DatePrecision.DAY:
            continue
        calendar.add_component(event_component(event, url=absolute_url(event.get_absolute_url())))
        if not event.all_day:
            first_day = min(first_day or event.start.date(), event.start.date())
            last_day = max(last_day or event.end.date(), event.end.date())
    if first_day and last_day:
        # The generated VTIMEZONEs cover the span of the events, with a year either side.
        calendar.add_missing_timezones(
            first_date=first_day - datetime.timedelta(days=366),
            last_date=last_day + datetime.timedelta(days=366),
        )
    return calendar


def calendar_response(calendar: icalendar.Calendar, *, filename: str, attachment: bool) -> HttpResponse:
    """`attachment` for a one-off download ('Add to calendar'); inline for a subscription feed."""
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
