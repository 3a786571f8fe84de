"""Event calendars (RFC 5545), read back with the icalendar package."""

from __future__ import annotations

import datetime

import icalendar
import pytest
from django.urls import reverse

from events.models import Event, EventOrganiser
from sscregistry.seed import load_seed_data
from tests.factories import EventFactory, PartnerFactory

pytestmark = pytest.mark.django_db

KIGALI = "un-day-for-south-south-cooperation-2023-kigali"


def _calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def _events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_kigali_event_starts_at_seven_utc_in_its_own_time_zone(client):
    load_seed_data()
    calendar = _calendar(client.get(reverse("events:event-ics", args=[KIGALI])))
    (vevent,) = calendar.walk("VEVENT")
    start = vevent.decoded("DTSTART")
    assert start.astimezone(datetime.UTC) == datetime.datetime(2023, 9, 12, 7, 0, tzinfo=datetime.UTC)
    assert vevent["DTSTART"].params["TZID"] == "Africa/Kigali"
    assert vevent.decoded("DTEND").astimezone(datetime.UTC).hour == 11
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Africa/Kigali"]
    assert vevent["LOCATION"] == "Rwanda Cooperation Governance Center, Kigali, Rwanda and online"
    assert vevent["URL"] == f"http://testserver/events/{KIGALI}/"
    assert vevent["STATUS"] == "CONFIRMED"
    for required in ("UID", "DTSTAMP", "LAST-MODIFIED"):
        assert required in vevent


def test_an_event_keeps_its_uid_across_files(client):
    load_seed_data()
    single = _calendar(client.get(reverse("events:event-ics", args=[KIGALI])))
    partner = _calendar(client.get(reverse("partner-events-ics", args=["fao"])))
    (from_single,) = single.walk("VEVENT")
    from_partner = _events(partner)[str(from_single["SUMMARY"])]
    assert from_single["UID"] == from_partner["UID"]


def test_all_day_events_are_dates_with_an_exclusive_end(client):
    load_seed_data()
    calendar = _calendar(client.get(reverse("events:event-ics", args=["bapa40"])))
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    assert vevent.decoded("DTSTART") == datetime.date(2019, 3, 20)
    assert vevent.decoded("DTEND") == datetime.date(2019, 3, 23)  # the day after 22 March
    assert not calendar.walk("VTIMEZONE")


def test_cancelled_events_say_cancelled(client):
    event = EventFactory(event_status=Event.EventStatus.CANCELLED)
    (vevent,) = _calendar(client.get(reverse("events:event-ics", args=[event.slug]))).walk("VEVENT")
    assert vevent["STATUS"] == "CANCELLED"


def test_the_events_calendar_has_upcoming_published_events_only(client):
    upcoming = EventFactory(title="Upcoming")
    EventFactory(title="Draft", draft=True)
    EventFactory(
        title="Past",
        start=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        end=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC),
    )
    calendar = _calendar(client.get(reverse("events-ics")))
    assert set(_events(calendar)) == {upcoming.title}
    assert client.get(reverse("events-ics"))["Content-Disposition"].startswith("inline")


def test_the_events_calendar_accepts_the_event_list_filters(client):
    EventFactory(title="Kigali meeting", country_id="RW", event_type=Event.Type.MEETING)
    EventFactory(title="Geneva webinar", country_id="CH", event_type=Event.Type.WEBINAR)
    EventFactory(
        title="Old Kigali meeting",
        country_id="RW",
        start=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        end=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC),
    )
    url = reverse("events-ics")
    assert set(_events(_calendar(client.get(url, {"country": "rw"})))) == {"Kigali meeting"}
    assert set(_events(_calendar(client.get(url, {"type": "webinar"})))) == {"Geneva webinar"}
    assert set(_events(_calendar(client.get(url, {"when": "past"})))) == {"Old Kigali meeting"}


@pytest.mark.parametrize("query", [{"when": "soon"}, {"type": "party"}, {"country": "Rwanda"}])
def test_the_events_calendar_answers_400_to_a_bad_filter(client, query):
    assert client.get(reverse("events-ics"), query).status_code == 400


def test_a_partner_calendar_has_its_published_events_past_and_upcoming(client):
    partner = PartnerFactory()
    mine = EventFactory(title="Mine")
    old = EventFactory(
        title="Mine, long ago",
        start=datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC),
        end=datetime.datetime(2019, 1, 1, 4, tzinfo=datetime.UTC),
    )
    draft = EventFactory(title="Mine, draft", draft=True)
    EventFactory(title="Someone else's")
    for event in (mine, old, draft):
        EventOrganiser.objects.create(event=event, partner=partner)
    response = client.get(reverse("partner-events-ics", args=[partner.slug]))
    assert set(_events(_calendar(response))) == {"Mine", "Mine, long ago"}


def test_no_calendar_for_a_draft_partner_or_a_draft_event(client):
    draft_partner, draft_event = PartnerFactory(draft=True), EventFactory(draft=True)
    assert client.get(reverse("partner-events-ics", args=[draft_partner.slug])).status_code == 404
    assert client.get(reverse("events:event-ics", args=[draft_event.slug])).status_code == 404


def test_an_event_known_only_by_month_is_left_out_of_calendars(client):
    load_seed_data()
    assert client.get(reverse("events:event-ics", args=["unece-62nd-session"])).status_code == 404
    calendar = _calendar(client.get(reverse("events-ics"), {"when": "past"}))
    titles = set(_events(calendar))
    assert "Second High-level United Nations Conference on South-South Cooperation" in titles
    assert not any(title.startswith("Sixty-second session") for title in titles)


def test_the_event_page_offers_add_to_calendar(client):
    event = EventFactory()
    response = client.get(event.get_absolute_url())
    assert f'href="{reverse("events:event-ics", args=[event.slug])}"' in response.text
    assert "Add to calendar" in response.text


def test_the_events_calendar_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    EventFactory.create_batch(25, country_id="RW", venue="Hall")
    with django_assert_max_num_queries(3):
        assert len(_events(_calendar(client.get(reverse("events-ics"))))) == 25


def test_calendars_hold_the_nearest_events_up_to_the_cap(client, settings):
    settings.CALENDAR_MAX_EVENTS = 2
    partner = PartnerFactory()
    for year in (2031, 2032, 2033, 2019, 2020, 2021):
        event = EventFactory(
            title=f"Meeting {year}",
            start=datetime.datetime(year, 3, 1, 9, tzinfo=datetime.UTC),
            end=datetime.datetime(year, 3, 1, 17, tzinfo=datetime.UTC),
        )
        EventOrganiser.objects.create(event=event, partner=partner)
    url = reverse("events-ics")
    assert set(_events(_calendar(client.get(url)))) == {"Meeting 2031", "Meeting 2032"}
    assert set(_events(_calendar(client.get(url, {"when": "past"})))) == {"Meeting 2021", "Meeting 2020"}
    partner_calendar = _calendar(client.get(reverse("partner-events-ics", args=[partner.slug])))
    assert set(_events(partner_calendar)) == {"Meeting 2033", "Meeting 2032"}
