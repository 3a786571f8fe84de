"""The month calendar of the events pages: which events fall on which day, in each event's own time."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import Event


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    events: list[Event] = field(default_factory=list)


def month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    """UTC instants that surely enclose the month in every time zone (a day's margin each side)."""
    first = datetime.date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    start = datetime.datetime.combine(
        first - datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
    )
    end = datetime.datetime.combine(last + datetime.timedelta(days=2), datetime.time.min, tzinfo=datetime.UTC)
    return start, end


def month_grid(
    year: int, month: int, events: Iterable[Event], today: datetime.date
) -> list[list[CalendarDay]]:
    """Weeks (Monday first) of the month; each day lists the events running on it, by local date.

    A day is the event's own calendar day: an event from 23:00 to 01:00 in Kigali spans two days
    there, whatever the visitor's zone.
    """
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    days = {
        day: CalendarDay(date=day, in_month=day.month == month, is_today=day == today)
        for week in weeks
        for day in week
    }
    for event in events:
        first, last = event.local_start.date(), event.local_end.date()
        if event.all_day and last > first and event.local_end.time() == datetime.time.min:
            last -= datetime.timedelta(days=1)  # an all-day end at midnight belongs to the day before
        day = max(first, weeks[0][0])
        while day <= min(last, weeks[-1][-1]):
            days[day].events.append(event)
            day += datetime.timedelta(days=1)
    return [[days[day] for day in week] for week in weeks]


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1
