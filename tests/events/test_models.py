import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from events.models import Event, EventParticipant
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

KIGALI = zoneinfo.ZoneInfo("Africa/Kigali")


def test_event_keeps_its_own_time_zone_for_display():
    event = EventFactory(
        start=datetime.datetime(2023, 9, 12, 9, 0, tzinfo=KIGALI),
        end=datetime.datetime(2023, 9, 12, 13, 0, tzinfo=KIGALI),
        timezone="Africa/Kigali",
    )
    event.refresh_from_db()
    assert event.start == datetime.datetime(2023, 9, 12, 7, 0, tzinfo=datetime.UTC)
    assert event.local_start.isoformat() == "2023-09-12T09:00:00+02:00"
    assert event.local_end.hour == 13


def test_unknown_time_zone_is_refused():
    event = EventFactory.build(timezone="Kigali/Rwanda", slug="x")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "IANA time zone" in error.value.message_dict["timezone"][0]


def test_event_ending_before_it_starts_is_refused():
    start = timezone.now()
    event = EventFactory.build(start=start, end=start - datetime.timedelta(hours=1), slug="x")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "The end cannot be before the start." in error.value.message_dict["end"]
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(start=start, end=start - datetime.timedelta(hours=1))


def test_document_symbols_are_validated():
    EventFactory.build(document_symbols=["A/C.2/66/L.48"], slug="x").full_clean()
    with pytest.raises(ValidationError):
        EventFactory.build(document_symbols=["not a symbol"], slug="y").full_clean()


def test_upcoming_and_past():
    now = timezone.now()
    upcoming = EventFactory(start=now + datetime.timedelta(days=1), end=now + datetime.timedelta(days=2))
    ongoing = EventFactory(start=now - datetime.timedelta(hours=1), end=now + datetime.timedelta(hours=1))
    past = EventFactory(start=now - datetime.timedelta(days=2), end=now - datetime.timedelta(days=1))
    assert set(Event.objects.upcoming()) == {upcoming, ongoing}
    assert set(Event.objects.past()) == {past}


def test_published_excludes_drafts():
    published = EventFactory()
    EventFactory(draft=True)
    assert list(Event.objects.published()) == [published]


def test_a_participant_needs_a_person_or_a_description():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EventParticipant.objects.create(event=event, role=EventParticipant.Role.GUEST)
    EventParticipant.objects.create(event=event, description="The Director of UNOSSC")


def test_upcoming_events_are_found_by_their_end(db):
    from django.db import connection  # noqa: PLC0415

    now = timezone.now()
    for days in range(-30, 3):
        start = now + datetime.timedelta(days=days)
        EventFactory(start=start, end=start + datetime.timedelta(hours=2))
    page = Event.objects.published().upcoming(now).order_by("start", "id")[:5]
    assert [event.start > now - datetime.timedelta(hours=2) for event in page] == [True] * 3
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few rows: as with many, an index
        sql, params = page.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "event_end" in plan, plan
