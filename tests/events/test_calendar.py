"""The month grid of the events calendar."""

from __future__ import annotations

import datetime
import zoneinfo

from events.calendar import month_bounds, month_grid, shift_month
from events.models import Event

KIGALI = zoneinfo.ZoneInfo("Africa/Kigali")


def _event(start: datetime.datetime, end: datetime.datetime, zone: str = "Africa/Kigali", **fields) -> Event:
    return Event(title="E", start=start, end=end, timezone=zone, **fields)


def _days_with(weeks, event) -> list[datetime.date]:
    return [day.date for week in weeks for day in week if event in day.events]


def test_an_event_sits_on_its_own_local_day():
    # 23:30 in Kigali is still 12 September there, though 21:30 UTC.
    late = _event(
        datetime.datetime(2023, 9, 12, 23, 30, tzinfo=KIGALI),
        datetime.datetime(2023, 9, 12, 23, 45, tzinfo=KIGALI),
    )
    overnight = _event(
        datetime.datetime(2023, 9, 29, 22, 0, tzinfo=KIGALI),
        datetime.datetime(2023, 10, 1, 2, 0, tzinfo=KIGALI),
    )
    weeks = month_grid(2023, 9, [late, overnight], today=datetime.date(2023, 9, 1))
    assert _days_with(weeks, late) == [datetime.date(2023, 9, 12)]
    assert _days_with(weeks, overnight) == [datetime.date(2023, 9, d) for d in (29, 30)] + [
        datetime.date(2023, 10, 1)
    ]


def test_weeks_start_on_monday_and_mark_other_months_and_today():
    weeks = month_grid(2023, 9, [], today=datetime.date(2023, 9, 12))
    assert weeks[0][0].date == datetime.date(2023, 8, 28) and weeks[0][0].date.weekday() == 0
    assert not weeks[0][0].in_month and weeks[0][4].in_month
    assert [day.date for week in weeks for day in week if day.is_today] == [datetime.date(2023, 9, 12)]


def test_month_bounds_and_shifts():
    start, end = month_bounds(2023, 9)
    assert start == datetime.datetime(2023, 8, 31, tzinfo=datetime.UTC)
    assert end == datetime.datetime(2023, 10, 2, tzinfo=datetime.UTC)
    assert shift_month(2023, 12, 1) == (2024, 1)
    assert shift_month(2024, 1, -1) == (2023, 12)
