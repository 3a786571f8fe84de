"""The hostile requests of the trust review, replayed through every entry path.

Each hostile value is sent through the admin, the API, spreadsheet import (`import_records`) and the
public proposal form. Every path must refuse it with a clear error (a form error, a 400 naming the
field, a command error) and store nothing: the rows of every table of the registry's apps are counted
before and after.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from tests.factories import event_admin_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

REGISTRY_APPS = ("partnerships", "events", "reports", "curation")

# name: (the event's title, start date or moment, time zone)
HOSTILE_EVENTS = {
    "year 1 in Tokyo": ("Year one", "0001-01-01", "Asia/Tokyo"),
    "year 9999 in Los Angeles": ("Far future", "9999-12-31", "America/Los_Angeles"),
    "CR/LF in the title": ("Meeting\r\nBcc: victim@example.org", "2030-05-01", "UTC"),
    "a control character in the title": ("Bell\x07 meeting", "2030-05-01", "UTC"),
    "a line separator in the title": ("Line\u2028separator", "2030-05-01", "UTC"),
}


def registry_rows() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for name in REGISTRY_APPS
        for model in apps.get_app_config(name).get_models()
    }


@pytest.mark.parametrize("case", HOSTILE_EVENTS)
def test_the_proposal_form_refuses_and_stores_nothing(client, case):
    title, day, zone = HOSTILE_EVENTS[case]
    before = registry_rows()
    response = client.post(
        "/propose/event/",
        {
            "title": title,
            "event_type": "meeting",
            "description": "A meeting of farmers' cooperatives on seed banks and storage.",
            "start_date": day,
            "timezone": zone,
            "attendance_mode": "in_person",
            "source_url": "https://example.org/e",
            "submitter_name": "Visitor",
            "submitter_email": "visitor@example.org",
            "new_partners": "Seed Network",
        },
    )
    assert response.status_code == 400
    assert registry_rows() == before


@pytest.mark.parametrize("case", HOSTILE_EVENTS)
def test_the_api_refuses_and_stores_nothing(curator_api, case):
    title, day, zone = HOSTILE_EVENTS[case]
    before = registry_rows()
    body = {
        "title": title,
        "event_type": "meeting",
        "start": f"{day}T09:00:00"
        + ("+09:00" if zone == "Asia/Tokyo" else "-08:00" if "Los" in zone else "Z"),
        "end": f"{day}T10:00:00" + ("+09:00" if zone == "Asia/Tokyo" else "-08:00" if "Los" in zone else "Z"),
        "timezone": zone,
    }
    response = curator_api.post("/api/v1/events/", body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) & {"title", "start", "end"}
    assert registry_rows() == before


@pytest.mark.parametrize("case", HOSTILE_EVENTS)
def test_the_admin_refuses_and_stores_nothing(client_as, curator, case):
    title, day, zone = HOSTILE_EVENTS[case]
    client = client_as(curator)
    before = registry_rows()
    data = event_admin_form(title=title, timezone=zone, start_0=day, end_0=day, end_1="10:00:00")
    response = client.post("/admin/events/event/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert registry_rows() == before


@pytest.mark.parametrize("case", HOSTILE_EVENTS)
def test_import_refuses_and_stores_nothing(tmp_path, curator, case):
    title, day, zone = HOSTILE_EVENTS[case]
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["slug", "title", "event_type", "start", "end", "timezone"])
        writer.writerow(["hostile", title, "meeting", f"{day} 09:00", f"{day} 10:00", zone])
    before = registry_rows()
    with pytest.raises(CommandError):
        call_command(
            "import_records",
            "events",
            str(path),
            "--user",
            "curator",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert registry_rows() == before


def test_a_partner_name_with_a_line_break_is_refused_on_every_path(client_as, curator, curator_api, tmp_path):
    before = registry_rows()
    assert curator_api.post("/api/v1/partners/", {"name": "Evil\r\nCorp"}, format="json").status_code == 400
    path = tmp_path / "partners.csv"
    path.write_text('slug,name\nevil,"Evil\r\nCorp"\n')
    with pytest.raises(CommandError):
        call_command("import_records", "partners", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert registry_rows() == before


def test_deeply_nested_json_and_nul_slugs_store_nothing(curator_api):
    before = registry_rows()
    nested = "[" * 100_000 + "]" * 100_000
    response = curator_api.post("/api/v1/partners/", nested, content_type="application/json")
    assert response.status_code == 400
    for resource in ("partnerships", "partners", "people", "events", "publications"):
        assert curator_api.get(f"/api/v1/{resource}/a%00b/").status_code in (400, 404)
        assert curator_api.patch(f"/api/v1/{resource}/a%00b/", {"title": "x"}, format="json").status_code in (
            400,
            404,
        )
    assert registry_rows() == before


def test_the_same_rows_import_when_they_are_not_hostile(tmp_path, curator, client, curator_api):
    """The control: each path accepts the same request with an ordinary title and date."""
    path = tmp_path / "events.csv"
    path.write_text(
        "slug,title,event_type,start,end,timezone\n"
        "fine,Meeting,meeting,2030-05-01 09:00,2030-05-01 10:00,UTC\n"
    )
    call_command(
        "import_records", "events", str(path), "--user", "curator", stdout=io.StringIO(), stderr=io.StringIO()
    )
    body = {
        "title": "Meeting",
        "event_type": "meeting",
        "start": "2030-05-01T09:00:00Z",
        "end": "2030-05-01T10:00:00Z",
    }
    assert curator_api.post("/api/v1/events/", body, format="json").status_code == 201
    response = client.post(
        "/propose/event/",
        {
            "title": "Meeting",
            "event_type": "meeting",
            "description": "A meeting of farmers' cooperatives on seed banks and storage.",
            "start_date": "2030-05-01",
            "timezone": "UTC",
            "attendance_mode": "in_person",
            "source_url": "https://example.org/e",
            "submitter_name": "Visitor",
            "submitter_email": "visitor@example.org",
        },
    )
    assert response.status_code == 302
