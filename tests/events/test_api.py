"""The events endpoint: local times with the event's offset, linked records, drafts."""

from __future__ import annotations

import pytest

from tests.factories import EventFactory, EventOrganiserFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded")
class TestSeedDocuments:
    def test_kigali_event_times_carry_its_own_offset(self, api):
        body = api.get("/api/v1/events/un-day-for-south-south-cooperation-2023-kigali/").json()
        assert body["start"] == "2023-09-12T09:00:00+02:00"
        assert body["end"] == "2023-09-12T13:00:00+02:00"
        assert body["timezone"] == "Africa/Kigali"
        assert body["all_day"] is False
        assert body["attendance_mode"] == "hybrid"
        assert body["status"] == "scheduled"
        assert body["city"] == "Kigali"
        assert body["country"] == {"code": "RW", "name": "Rwanda"}
        assert {o["partner"]["slug"]: o["role"] for o in body["organisers"]} == {
            "rwanda-cooperation": "host",
            "fao": "co_organiser",
            "ifad": "co_organiser",
            "wfp": "co_organiser",
        }
        assert [link["kind"] for link in body["registration_links"]] == ["in_person", "online"]
        assert body["web_url"] == "http://testserver/events/un-day-for-south-south-cooperation-2023-kigali/"

    def test_typo_search_finds_kigali_and_says_so(self, api):
        body = api.get("/api/v1/events/", {"q": "Kigli"}).json()
        assert [e["slug"] for e in body["results"]] == ["un-day-for-south-south-cooperation-2023-kigali"]
        assert body["search"]["mode"] == "fuzzy"
        assert body["search"]["suggestion"] == "kigali"

    def test_side_event_names_its_parent_and_speakers(self, api):
        body = api.get("/api/v1/events/south-south-cooperation-in-the-digital-era/").json()
        assert body["parent"] == {"slug": "bapa40", "title": body["parent"]["title"]}
        speakers = body["speakers"]
        assert speakers[0]["person"]["slug"] == "jens-frolich-holte"
        assert speakers[1]["person"] is None and speakers[1]["description"] == "The Director of UNOSSC"


def test_draft_parent_and_draft_organiser_are_hidden(api):
    parent = EventFactory(slug="parent", draft=True)
    child = EventFactory(slug="child", parent=parent)
    EventOrganiserFactory(event=child, partner=PartnerFactory(slug="shown"))
    EventOrganiserFactory(event=child, partner=PartnerFactory(slug="secret", draft=True))
    body = api.get("/api/v1/events/child/").json()
    assert body["parent"] is None
    assert [o["partner"]["slug"] for o in body["organisers"]] == ["shown"]
    assert api.get("/api/v1/events/parent/").status_code == 404
    assert [e["slug"] for e in api.get("/api/v1/events/").json()["results"]] == ["child"]


def test_event_list_query_count_is_constant(api, django_assert_max_num_queries):
    for _ in range(30):
        EventOrganiserFactory(event=EventFactory(country_id="RW"))
    for size in (1, 20, 100):
        with django_assert_max_num_queries(12):
            assert api.get("/api/v1/events/", {"page_size": size}).status_code == 200


def test_curator_creates_an_event_as_a_draft_and_model_validation_names_fields(api, settings):
    settings.REQUIRE_SECOND_REVIEWER = False  # one curator creates and publishes (test_publish_rules.py)
    from django.contrib.auth.models import Group, User
    from rest_framework.authtoken.models import Token

    from events.models import Event
    from registry.groups import CURATORS

    user = User.objects.create_user("curator")
    user.groups.add(Group.objects.get(name=CURATORS))
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    event = {
        "title": "Workshop",
        "event_type": "meeting",
        "start": "2030-05-01T09:00:00+03:00",
        "end": "2030-05-01T12:00:00+03:00",
        "timezone": "Africa/Nairobi",
        "themes": ["knowledge-sharing"],
    }
    from vocabularies.models import Theme

    Theme.objects.create(slug="knowledge-sharing", name="Knowledge sharing")
    response = api.post("/api/v1/events/", event, format="json")
    assert response.status_code == 201, response.json()
    assert Event.objects.get(slug=response.json()["slug"]).status == "draft"
    bad_zone = api.post("/api/v1/events/", {**event, "timezone": "Mars/Olympus"}, format="json")
    assert bad_zone.status_code == 400 and "timezone" in bad_zone.json()
    ends_early = api.post("/api/v1/events/", {**event, "end": "2030-04-01T09:00:00Z"}, format="json")
    assert ends_early.status_code == 400 and "end" in ends_early.json()
    # Values of the type and form the schema gives: a flag is true or false, a symbol ends there.
    for field, value in [("all_day", "true"), ("all_day", 1), ("document_symbols", ["A/C.2/66/L.48\n"])]:
        refused = api.post("/api/v1/events/", {**event, field: value}, format="json")
        assert refused.status_code == 400 and field in refused.json(), (field, value)
    slug = response.json()["slug"]
    assert api.post(f"/api/v1/events/{slug}/publish/").json()["workflow_status"] == "published"
    assert api.post(f"/api/v1/events/{slug}/unpublish/").json()["workflow_status"] == "draft"
