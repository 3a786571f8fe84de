"""The events pages: upcoming and past lists, the month calendar and the event page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventOrganiser, EventParticipant, RegistrationLink
from sscregistry.seed import load_seed_data
from tests.factories import EventFactory, PartnerFactory, PersonFactory

pytestmark = pytest.mark.django_db

KIGALI = "un-day-for-south-south-cooperation-2023-kigali"


@pytest.fixture
def seed():
    load_seed_data()


def _slugs(response) -> list[str]:
    return re.findall(r'<h2><a href="/events/([^/]+)/"', response.text)


def test_upcoming_lists_soonest_first_and_leaves_past_and_drafts_out(client):
    later = EventFactory(title="Later", start=timezone.now() + datetime.timedelta(days=60))
    sooner = EventFactory(title="Sooner")
    EventFactory(
        title="Gone",
        start=timezone.now() - datetime.timedelta(days=5),
        end=timezone.now() - datetime.timedelta(days=4),
    )
    EventFactory(title="Draft", draft=True)
    assert _slugs(client.get("/events/")) == [sooner.slug, later.slug]


def test_past_lists_latest_first_with_filters(client, seed):
    response = client.get("/events/past/")
    assert _slugs(response)[:2] == ["sdg-summit-2023", KIGALI]
    assert _slugs(client.get("/events/past/", {"country": "RW"})) == [KIGALI]
    assert _slugs(client.get("/events/past/", {"type": "side_event"})) == [
        "south-south-cooperation-in-the-digital-era"
    ]
    facets = response.text
    for title in ("Type", "Attendance", "Status", "Country", "Organiser"):
        assert f"<legend>{title}</legend>" in facets
    assert 'href="/api/v1/events/?when=past"' in facets


def test_upcoming_page_says_so_when_nothing_is_coming(client, seed):
    text = client.get("/events/").text
    assert "No upcoming event is recorded yet." in text and 'href="/events/past/"' in text


def test_an_empty_upcoming_search_points_to_the_past_events_it_finds(client, seed):
    EventFactory(
        title="Kigali draft meeting",
        draft=True,
        start=timezone.now() - datetime.timedelta(days=30),
        end=timezone.now() - datetime.timedelta(days=29),
    )
    response = client.get("/events/", {"q": "kigali", "ordering": "start", "page": "1"})
    assert _slugs(response) == []
    text = response.text
    assert '<a href="/events/past/?q=kigali">1 past event matches it</a>' in text  # not the draft
    assert 'href="/events/?q=kigali" aria-current="page">Upcoming' in text
    assert _slugs(client.get("/events/past/", {"q": "kigali"})) == [KIGALI]
    french = client.get("/fr/events/", {"q": "kigali"}).text
    assert '<a href="/fr/events/past/?q=kigali">1 événement passé y correspond</a>' in french


def test_an_empty_past_search_points_to_the_upcoming_events_it_finds(client):
    EventFactory(title="Ocean finance forum", start=timezone.now() + datetime.timedelta(days=3))
    EventFactory(title="Ocean finance forum II", start=timezone.now() + datetime.timedelta(days=9))
    text = client.get("/events/past/", {"q": "ocean", "type": "meeting"}).text
    assert "No event matches this search." in text
    assert '<a href="/events/?q=ocean&amp;type=meeting">2 upcoming events match it</a>' in text
    assert "matches it" not in client.get("/events/past/", {"q": "nothing like this"}).text


def test_the_upcoming_and_past_tabs_keep_the_search_and_filters_but_not_the_page(client, seed):
    text = client.get(
        "/events/past/", {"q": "cooperation", "country": "RW", "page": "1", "ordering": "-start"}
    ).text
    assert 'href="/events/?q=cooperation&amp;country=RW">Upcoming' in text
    assert 'href="/events/past/?q=cooperation&amp;country=RW" aria-current="page">Past' in text


def test_month_calendar_places_events_on_their_local_days(client, seed):
    response = client.get(reverse("events:event-calendar-month", args=[2023, 9]))
    assert response.status_code == 200
    cells = re.findall(r"<td class=\"[^\"]*\">(.*?)</td>", response.text, re.S)
    twelfth = next(cell for cell in cells if "Tuesday 12 September" in cell)
    assert f'href="/events/{KIGALI}/"' in twelfth
    assert (
        'href="/events/calendar/2023/8/"' in response.text
        and 'href="/events/calendar/2023/10/"' in response.text
    )
    # Filters apply to the calendar too, and the month links keep them.
    filtered = client.get(reverse("events:event-calendar-month", args=[2023, 9]), {"country": "US"}).text
    assert KIGALI not in filtered and 'href="/events/calendar/2023/10/?country=US"' in filtered
    assert client.get("/events/calendar/2023/13/").status_code == 404
    assert client.get("/events/calendar/").status_code == 200


def test_event_page_gives_times_place_registration_people_and_links(client, seed):
    text = client.get(reverse("events:event-detail", args=[KIGALI])).text
    assert "12 Sep 2023, 09:00–13:00 Kigali time (UTC+2)" in text
    assert 'data-start="2023-09-12T07:00:00+00:00"' in text and 'data-zone="Africa/Kigali"' in text
    assert '<span class="badge hybrid">Hybrid</span>' in text
    assert "Rwanda Cooperation" in text and "Host" in text
    assert f'href="/events/{KIGALI}.ics"' in text


def test_cancelled_events_say_so_prominently_and_offer_no_registration(client):
    event = EventFactory(event_status=Event.EventStatus.CANCELLED)
    RegistrationLink.objects.create(event=event, url="https://example.org/register")
    text = client.get(event.get_absolute_url()).text
    assert 'class="status-banner cancelled"' in text and "This event has been cancelled." in text
    assert "https://example.org/register" not in text
    postponed = EventFactory(event_status=Event.EventStatus.POSTPONED)
    assert "has been postponed" in client.get(postponed.get_absolute_url()).text


def test_registration_buttons_speakers_parent_and_side_events(client):
    parent = EventFactory(title="Main conference", short_title="MC")
    event = EventFactory(title="A side event", parent=parent, attendance_mode=Event.AttendanceMode.ONLINE)
    RegistrationLink.objects.create(event=event, kind="online", url="https://example.org/join")
    EventOrganiser.objects.create(event=event, partner=PartnerFactory(name="Host Org"), role="host")
    EventOrganiser.objects.create(
        event=event, partner=PartnerFactory(name="Secret Org", draft=True), role="partner"
    )
    EventParticipant.objects.create(
        event=event, person=PersonFactory(name="Ada Speaker", position="Director")
    )
    EventParticipant.objects.create(
        event=event, person=PersonFactory(name="Draft Person", draft=True), description="x"
    )
    text = client.get(event.get_absolute_url()).text
    assert '<a class="button" href="https://example.org/join">Register to join online</a>' in text
    assert "Ada Speaker" in text and "Director" in text and "Draft Person" not in text
    assert "Host Org" in text and "Secret Org" not in text
    assert 'href="/events/' + parent.slug + '/"' in text
    assert "A side event" in client.get(parent.get_absolute_url()).text


def test_a_draft_parent_is_not_named(client):
    parent = EventFactory(title="Unpublished parent", draft=True)
    event = EventFactory(parent=parent)
    assert "Unpublished parent" not in client.get(event.get_absolute_url()).text


def test_event_lists_queries_stay_constant(client, django_assert_max_num_queries):
    organiser = PartnerFactory()

    def add(count: int) -> None:
        for _ in range(count):
            event = EventFactory(country_id="RW", parent=None)
            EventOrganiser.objects.create(event=event, partner=organiser)

    add(3)
    with django_assert_max_num_queries(10):
        client.get("/events/")
    add(30)
    with django_assert_max_num_queries(10):
        assert client.get("/events/").status_code == 200
