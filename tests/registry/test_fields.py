"""One set of rules on every entry path: the models' validators and the database's constraints.

Each rule is tried through the admin, the API, the public proposal forms and raw SQL; every refusal
must be a clear error (a form error, a 400 naming the field, a database error), and nothing stored.
"""

from __future__ import annotations

import datetime
import socket
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from curation.models import Submission
from events.models import Event
from partnerships.models import Partner, Partnership
from registry.fields import validate_single_line, validate_time_in_window
from registry.workflow import Status
from tests.factories import EventFactory, PartnerFactory, PartnershipFactory
from tests.factories import event_admin_form as admin_event
from vocabularies.models import SDGTarget

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

EVENT_URL = "/propose/event/"
PARTNERSHIP_URL = "/propose/partnership/"


def counts() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        Partnership.objects.count(),
        Partner.objects.count(),
        Submission.objects.count(),
    )


def event_proposal(**overrides) -> dict:
    return {
        "title": "Workshop on seed banks",
        "event_type": "meeting",
        "description": "Farmers from Kenya and Peru share how they keep community seed banks.",
        "start_date": "2030-05-01",
        "end_date": "",
        "timezone": "Africa/Nairobi",
        "attendance_mode": "in_person",
        "city": "Nairobi",
        "source_url": "https://example.org/seed-banks",
        "submitter_name": "Wanjiru",
        "submitter_email": "wanjiru@example.org",
        "new_partners": "Kenya Seed Network",
        "homepage": "",
    } | overrides


# --- event times stay inside the window ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "zone"),
    [("0001-01-01", "Asia/Tokyo"), ("9999-12-31", "America/Los_Angeles"), ("1899-12-31", "UTC")],
)
def test_a_proposal_outside_the_window_is_a_form_error_and_stores_nothing(client, day, zone):
    before = counts()
    response = client.post(EVENT_URL, event_proposal(start_date=day, timezone=zone))
    assert response.status_code == 400
    assert "Dates must lie between 1900-01-01 and 2199-12-31" in response.text
    assert response.text.count("Dates must lie between") == 1, "said once, at the start date"
    assert counts() == before
    # The curators' pages still answer.
    assert client.get("/events/past/").status_code == 200


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01T00:00:00+09:00", "0001-01-01T12:00:00+09:00"),
        ("9999-12-31T00:00:00-08:00", "9999-12-31T12:00:00-08:00"),
        ("1850-01-01T00:00:00Z", "1850-01-02T00:00:00Z"),
    ],
)
def test_the_api_refuses_times_outside_the_window(curator_api, start, end):
    before = counts()
    body = {"title": "Old", "event_type": "meeting", "start": start, "end": end, "timezone": "UTC"}
    response = curator_api.post("/api/v1/events/", body, format="json")
    assert response.status_code == 400, response.content
    assert "start" in response.json()
    assert counts() == before


def test_the_admin_refuses_times_outside_the_window(client_as, curator):
    client = client_as(curator)
    before = counts()
    response = client.post("/admin/events/event/add/", admin_event(start_0="1899-06-01", end_0="1899-06-01"))
    assert response.status_code == 200
    assert "Dates must lie between" in response.text
    assert counts() == before


def test_the_database_refuses_times_outside_the_window():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(start=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC))
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=PartnershipFactory().pk).update(start_date=datetime.date(9999, 1, 1))


def test_the_window_validator_never_overflows():
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    for value in (
        datetime.datetime(1, 1, 1, tzinfo=tokyo),
        datetime.datetime(9999, 12, 31, 23, tzinfo=tokyo),
    ):
        with pytest.raises(ValidationError):
            validate_time_in_window(value)
    validate_time_in_window(datetime.datetime(1900, 1, 2, 9, tzinfo=tokyo))
    validate_time_in_window(timezone.now())


def test_a_published_event_at_the_edge_of_the_window_renders_everywhere(client):
    for start in (
        datetime.datetime(1900, 1, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime(2199, 12, 31, 23, 0, tzinfo=datetime.UTC),
    ):
        EventFactory(start=start, end=start, timezone="Pacific/Kiritimati", status=Status.PUBLISHED)
        EventFactory(start=start, end=start, timezone="Pacific/Pago_Pago", status=Status.PUBLISHED)
    for url in ("/api/v1/events/", "/events/past/", "/events/", "/events.ics", "/events/feed/"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert response.status_code != 500


# --- one-line fields ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title", ["Seed banks\r\nBcc: victim@example.org", "Tab\there", "Bell\x07", "Line\u2028sep"]
)
def test_a_proposal_title_with_a_line_break_is_a_form_error(client, title, curator):
    before = counts()
    response = client.post(EVENT_URL, event_proposal(title=title))
    assert response.status_code == 400
    assert "Line breaks" in response.text
    assert counts() == before


def test_the_api_refuses_line_breaks_in_names(curator_api):
    before = counts()
    response = curator_api.post("/api/v1/partners/", {"name": "Evil\r\nCorp"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    response = curator_api.post(
        "/api/v1/events/",
        {
            "title": "A\nB",
            "event_type": "meeting",
            "start": "2030-01-01T09:00:00Z",
            "end": "2030-01-01T10:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 400 and "title" in response.json()
    assert counts() == before


def test_the_admin_refuses_line_breaks_in_titles(client_as, curator):
    client = client_as(curator)
    response = client.post("/admin/events/event/add/", admin_event(title="Meeting\r\nX"))
    assert response.status_code == 200 and "Line breaks" in response.text
    assert not Event.objects.exists()


def test_the_database_refuses_line_breaks():
    partner = PartnerFactory()
    EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.filter(pk=partner.pk).update(name="Two\nlines")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE events_event SET title = %s", ["A\u2028B"])


def test_the_validator_accepts_ordinary_names():
    for name in ("Norsk senter for utvekslingssamarbeid", "Организация", "منظمة", "Zürich — “quoted”"):
        validate_single_line(name)


# --- the proposal rate limit, and notifications that fail -------------------------------------------


def test_the_rate_limit_is_counted_before_anything_is_written(client, settings):
    settings.SUBMISSION_RATE_LIMIT = 5
    statuses = [client.post(EVENT_URL, event_proposal(title=f"Workshop {i}")).status_code for i in range(8)]
    assert statuses == [302] * 5 + [429] * 3
    assert Submission.objects.count() == 5


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_failed_notification_never_fails_the_request(
    client, curator, settings, django_capture_on_commit_callbacks
):
    """The SMTP server is down (a closed port on loopback): the proposal is stored and thanked."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EVENT_URL, event_proposal())
    assert response.status_code == 302
    assert Submission.objects.count() == 1


# --- SDG targets imply their goals -------------------------------------------------------------------


def test_a_target_links_its_goal_on_every_path(curator_api):
    partnership = PartnershipFactory()
    partnership.sdg_targets.add(SDGTarget.objects.get(code="1.1"))
    assert set(partnership.sdgs.values_list("code", flat=True)) == {1}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO partnerships_partnership_sdg_targets (partnership_id, sdgtarget_id) "
            "VALUES (%s, '7.2')",
            [partnership.pk],
        )
    assert set(partnership.sdgs.values_list("code", flat=True)) == {1, 7}
    # Unlinking the goal while its target stays puts it back.
    partnership.sdgs.set([])
    assert set(partnership.sdgs.values_list("code", flat=True)) == {1, 7}
    partnership.sdg_targets.remove("7.2")
    partnership.sdgs.remove(7)
    assert set(partnership.sdgs.values_list("code", flat=True)) == {1}


def test_a_target_sent_through_the_api_shows_its_goal(curator_api):
    response = curator_api.post(
        "/api/v1/partnerships/", {"title": "Cash transfers", "sdg_targets": ["1.3"]}, format="json"
    )
    assert response.status_code == 201, response.content
    partnership = Partnership.objects.get(slug=response.json()["slug"])
    assert set(partnership.sdgs.values_list("code", flat=True)) == {1}


# --- dates typed in the admin --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_an_ambiguous_date_is_refused_not_misread(client_as, curator, language):
    client = client_as(curator)
    client.cookies["django_language"] = language
    response = client.post(
        "/admin/events/event/add/",
        admin_event(start_0="12/09/2023", end_0="12/09/2023"),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD" in response.text
    assert 'placeholder="YYYY-MM-DD"' in client.get("/admin/partnerships/partnership/add/").text
    assert not Event.objects.exists()
    response = client.post("/admin/events/event/add/", admin_event(start_0="2023-09-12", end_0="2023-09-12"))
    assert response.status_code == 302
    assert Event.objects.get().start.date() == datetime.date(2023, 9, 12)


# --- the admin's stale-save check cannot be skipped -----------------------------------------------


def test_an_admin_save_without_its_version_is_refused(client_as, curator):
    from tests.sscregistry.test_authorization import admin_form_data

    partner = PartnerFactory(name="Norec")
    client = client_as(curator)
    url = f"/admin/partnerships/partner/{partner.pk}/change/"
    data = admin_form_data(client, url)
    data["name"] = "Renamed"
    without_version = {key: value for key, value in data.items() if key != "edit_version"}
    response = client.post(url, without_version)
    assert response.status_code == 200
    assert "did not say which version" in response.text
    partner.refresh_from_db()
    assert partner.name == "Norec"
    assert client.post(url, data).status_code == 302
    partner.refresh_from_db()
    assert partner.name == "Renamed"
