"""EventFilter: every filter and its error case."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from events.filters import EventFilter
from events.models import Event
from tests.factories import EventFactory, EventOrganiserFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def matching(query: str) -> list[str]:
    filterset = EventFilter(QueryDict(query), Event.objects.published())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("when=tomorrow", "when"),
        ("starts_after=2023-02-30", "starts_after"),
        ("starts_before=soon", "starts_before"),
        ("country=XX", "country"),
        ("attendance_mode=telepathic", "attendance_mode"),
        ("type=party", "type"),
        ("status=maybe", "status"),
        ("organiser=nobody", "organiser"),
        ("ordering=secret", "ordering"),
    ],
)
def test_bad_values_are_errors_naming_the_parameter(db, query, parameter):
    filterset = EventFilter(QueryDict(query), Event.objects.published())
    assert not filterset.is_valid()
    assert parameter in filterset.errors


def test_when_upcoming_and_past(db):
    now = timezone.now()
    EventFactory(slug="past", start=now - datetime.timedelta(days=3), end=now - datetime.timedelta(days=2))
    EventFactory(
        slug="ongoing", start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1)
    )
    EventFactory(slug="future", start=now + datetime.timedelta(days=2), end=now + datetime.timedelta(days=3))
    assert matching("when=upcoming") == ["future", "ongoing"]
    assert matching("when=past") == ["past"]


def test_start_dates_are_inclusive_days(db):
    EventFactory(slug="early", start=at(2023, 9, 11), end=at(2023, 9, 11, 12))
    EventFactory(slug="on-the-day", start=at(2023, 9, 12, 23), end=at(2023, 9, 12, 23))
    EventFactory(slug="late", start=at(2023, 9, 13), end=at(2023, 9, 13, 12))
    assert matching("starts_after=2023-09-12") == ["late", "on-the-day"]
    assert matching("starts_before=2023-09-12") == ["early", "on-the-day"]
    assert matching("starts_after=2023-09-12&starts_before=2023-09-12") == ["on-the-day"]


def test_place_mode_type_and_status(db):
    EventFactory(
        slug="kigali", city="Kigali", country_id="RW", attendance_mode="hybrid", event_type="observance"
    )
    EventFactory(slug="geneva", city="Genève", country_id="CH", event_status="cancelled")
    EventFactory(slug="online", attendance_mode="online", event_type="webinar")
    assert matching("country=RW") == ["kigali"]
    assert matching("country=RW&country=CH") == ["geneva", "kigali"]
    assert matching("city=KIGALI") == ["kigali"]
    assert matching("city=geneve") == ["geneva"]
    assert matching("attendance_mode=hybrid&attendance_mode=online") == ["kigali", "online"]
    assert matching("type=webinar") == ["online"]
    assert matching("status=cancelled") == ["geneva"]


def test_organiser(db):
    host = PartnerFactory(slug="host")
    EventOrganiserFactory(event=EventFactory(slug="hosted"), partner=host, role="host")
    EventFactory(slug="other")
    assert matching("organiser=host") == ["hosted"]
    draft = PartnerFactory(slug="draft-host", draft=True)
    filterset = EventFilter(QueryDict("organiser=draft-host"), Event.objects.published())
    assert not filterset.is_valid() and draft.pk


def test_q_searches_events(db):
    EventFactory(slug="summit", title="Ocean summit")
    EventFactory(slug="other", title="Desert forum")
    assert matching("q=oceans") == ["summit"]
