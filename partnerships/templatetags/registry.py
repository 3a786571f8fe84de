"""Display helpers for partial dates and event times."""

from __future__ import annotations

import datetime

from django import template

from partnerships.base import DatePrecision, format_partial_date

register = template.Library()


@register.simple_tag
def partial_date(value: datetime.date | None, precision: str) -> str:
    return format_partial_date(value, precision)


def _utc_offset(moment: datetime.datetime) -> str:
    offset = moment.utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@register.simple_tag
def event_when(event) -> str:
    """'12 Sep 2023, 09:00–13:00 Kigali time (UTC+2)', in the event's own time zone."""
    start, end = event.local_start, event.local_end
    if event.date_precision != DatePrecision.DAY:
        return format_partial_date(start.date(), event.date_precision)
    days = start.strftime("%-d %b %Y")
    if end.date() != start.date():
        days = f"{start.strftime('%-d %b %Y')} – {end.strftime('%-d %b %Y')}"
    if event.all_day:
        return days
    place = event.timezone.split("/")[-1].replace("_", " ")
    if end.date() == start.date():
        return f"{days}, {start:%H:%M}–{end:%H:%M} {place} time ({_utc_offset(start)})"
    return f"{start:%-d %b %Y %H:%M} – {end:%-d %b %Y %H:%M} {place} time ({_utc_offset(start)})"
