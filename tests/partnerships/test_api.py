"""The partnerships, partners, people and reference endpoints, through real URLs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User
from rest_framework.authtoken.models import Token

from partnerships.models import Partner, Partnership
from registry.groups import CURATORS
from registry.models import RegistryChange
from registry.workflow import Status
from tests.factories import ParticipationFactory, PartnerFactory, PartnershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded")
class TestSeedDocuments:
    """The contract's examples, on the seed documents' records."""

    def test_partnership_detail_has_the_contract_fields(self, api):
        body = api.get("/api/v1/partnerships/unossc-wgeo-green-economy/").json()
        assert body["slug"] == "unossc-wgeo-green-economy"
        assert body["url"] == "http://testserver/api/v1/partnerships/unossc-wgeo-green-economy/"
        assert body["web_url"] == "http://testserver/partnerships/unossc-wgeo-green-economy/"
        assert {p["partner"]["acronym"] for p in body["participants"]} == {"UNOSSC", "WGEO", "UNDP"}
        assert body["participants"][0]["partner"].keys() == {"slug", "name", "acronym", "country"}
        assert len(body["platforms"]) == 7
        assert {"slug": "cities", "name": "Cities"} in body["platforms"]
        assert body["sdgs"] == [{"code": 17, "title": "Partnerships for the goals"}]
        assert [t["code"] for t in body["sdg_targets"]] == ["17.6", "17.17"]
        assert body["themes"] == [{"slug": "green-economy", "name": "Green economy"}]
        assert {m["code"] for m in body["modalities"]} == {"south_south", "triangular"}
        assert body["start_date"] == "2018-02-19"
        assert "updated_at" in body and "status" in body

    def test_search_by_acronym_reports_full_text(self, api):
        body = api.get("/api/v1/partnerships/", {"q": "WGEO"}).json()
        assert [r["slug"] for r in body["results"]] == ["unossc-wgeo-green-economy"]
        assert body["search"] == {
            "query": "WGEO",
            "mode": "fulltext",
            "suggestion": None,
            "modes": ["fulltext"],
        }

    def test_partner_detail_shows_alternative_names(self, api):
        body = api.get("/api/v1/partners/norec/").json()
        assert {
            "name": "Norsk senter for utvekslingssamarbeid",
            "language": "no",
            "kind": "translation",
        } in body["alternative_names"]
        assert body["type"] == {"code": "10", "name": "Government"}

    def test_partner_parent_is_shown_when_published(self, api):
        assert api.get("/api/v1/partners/unossc/").json()["parent"]["slug"] == "undp"

    def test_people_are_looked_up_by_slug(self, api):
        body = api.get("/api/v1/people/helge-espe/").json()
        assert body["name"] == "Helge Espe"
        assert body["affiliation"]["slug"] == "norec"
        assert body["web_url"] is None  # people have no public page


def test_list_is_paginated_with_default_size_20(api):
    PartnershipFactory.create_batch(25)
    body = api.get("/api/v1/partnerships/").json()
    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["next"].endswith("page=2")
    assert body["previous"] is None
    assert len(api.get("/api/v1/partnerships/", {"page": 2}).json()["results"]) == 5


@pytest.mark.parametrize("size", ["500", "101", "0", "abc"])
def test_page_size_out_of_range_is_refused_naming_the_limit(api, size):
    response = api.get("/api/v1/partnerships/", {"page_size": size})
    assert response.status_code == 400
    assert "100" in response.json()["page_size"][0]


def test_order_is_stable_with_id_tie_break(api):
    for _ in range(5):
        PartnershipFactory(title="Same title", start_date=None)
    slugs = [r["slug"] for r in api.get("/api/v1/partnerships/", {"ordering": "title"}).json()["results"]]
    ids = list(Partnership.objects.filter(slug__in=slugs).order_by("id").values_list("slug", flat=True))
    assert slugs == ids


def test_unknown_ordering_is_a_400(api):
    response = api.get("/api/v1/partnerships/", {"ordering": "secret"})
    assert response.status_code == 400
    assert "ordering" in response.json()


class TestDraftsNeverLeak:
    def test_draft_partnership_is_not_listed_and_its_detail_is_404(self, api):
        PartnershipFactory(slug="hidden", title="Hidden plan", draft=True)
        PartnershipFactory(slug="in-review", status=Status.IN_REVIEW)
        assert api.get("/api/v1/partnerships/").json()["count"] == 0
        assert api.get("/api/v1/partnerships/hidden/").status_code == 404
        assert api.get("/api/v1/partnerships/in-review/").status_code == 404
        assert api.get("/api/v1/partnerships/", {"q": "hidden"}).json()["count"] == 0

    def test_draft_participant_is_left_out_of_a_published_partnership(self, api):
        partnership = PartnershipFactory(slug="public")
        ParticipationFactory(partnership=partnership, partner=PartnerFactory(slug="shown"))
        ParticipationFactory(partnership=partnership, partner=PartnerFactory(slug="secret", draft=True))
        body = api.get("/api/v1/partnerships/public/").json()
        assert [p["partner"]["slug"] for p in body["participants"]] == ["shown"]
        listed = api.get("/api/v1/partnerships/").json()["results"][0]
        assert [p["partner"]["slug"] for p in listed["participants"]] == ["shown"]

    def test_draft_partner_slug_is_an_unknown_filter_value(self, api):
        PartnerFactory(slug="secret", draft=True)
        response = api.get("/api/v1/partnerships/", {"partner": "secret"})
        assert response.status_code == 400
        assert "partner" in response.json()

    def test_draft_parent_partner_is_hidden(self, api):
        PartnerFactory(slug="child", parent=PartnerFactory(slug="draft-parent", draft=True))
        assert api.get("/api/v1/partners/child/").json()["parent"] is None
        assert api.get("/api/v1/partners/draft-parent/").status_code == 404

    def test_draft_affiliation_is_hidden(self, api):
        PersonFactory(slug="someone", affiliation=PartnerFactory(draft=True))
        assert api.get("/api/v1/people/someone/").json()["affiliation"] is None


class TestReferenceLists:
    def test_sdgs_come_with_their_targets(self, api):
        body = api.get("/api/v1/sdgs/17/").json()
        assert body["short_title"] == "Partnerships for the goals"
        assert "17.6" in [t["code"] for t in body["targets"]]
        assert api.get("/api/v1/sdgs/").json()["count"] == 17

    def test_countries_carry_region_and_classifications(self, api):
        body = api.get("/api/v1/countries/RW/").json()
        assert body["alpha3"] == "RWA"
        assert body["subregion"] == {"code": "202", "name": "Sub-Saharan Africa"}
        assert body["is_ldc"] is True and body["is_lldc"] is True
        assert body["global_south"] is True
        assert api.get("/api/v1/countries/", {"page_size": 100}).json()["count"] > 200

    def test_regions_platforms_types_and_languages(self, api):
        assert api.get("/api/v1/regions/202/").json()["parent"] == "002"
        assert api.get("/api/v1/platforms/cities/").json()["name"] == "Cities"
        assert api.get("/api/v1/organisation-types/10/").json()["name"] == "Government"
        assert api.get("/api/v1/languages/ru/").json()["code"] == "ru"


class TestConditionalGet:
    def test_list_and_detail_carry_etag_and_last_modified(self, api, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            PartnershipFactory(slug="p")
        assert RegistryChange.objects.exists()
        for url in ("/api/v1/partnerships/", "/api/v1/partnerships/p/"):
            response = api.get(url)
            assert response["ETag"]
            assert response["Last-Modified"]

    def test_matching_if_none_match_answers_304(self, api):
        PartnershipFactory(slug="p")
        etag = api.get("/api/v1/partnerships/p/")["ETag"]
        response = api.get("/api/v1/partnerships/p/", HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 304
        assert response.content == b""
        listing = api.get("/api/v1/partnerships/")
        assert api.get("/api/v1/partnerships/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304

    def test_a_current_copy_is_answered_before_reading_any_record(
        self, api, django_capture_on_commit_callbacks, django_assert_max_num_queries
    ):
        with django_capture_on_commit_callbacks(execute=True):
            PartnershipFactory(slug="p")
        for url in ("/api/v1/partnerships/", "/api/v1/partnerships/p/"):
            etag = api.get(url)["ETag"]
            with django_assert_max_num_queries(1):  # the registry's last write, nothing else
                response = api.get(url, HTTP_IF_NONE_MATCH=etag)
            assert response.status_code == 304
            assert response["ETag"] == etag
        assert api.get("/api/v1/partnerships/?page_size=5", HTTP_IF_NONE_MATCH=etag).status_code == 200

    def test_a_recorded_write_changes_the_etag(self, api, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            partnership = PartnershipFactory(slug="p")
        etag = api.get("/api/v1/partnerships/p/")["ETag"]
        with django_capture_on_commit_callbacks(execute=True):
            partnership.title = "Renamed"
            partnership.save()
        assert api.get("/api/v1/partnerships/p/", HTTP_IF_NONE_MATCH=etag).status_code == 200

    def test_a_change_changes_the_etag(self, api):
        partnership = PartnershipFactory(slug="p")
        etag = api.get("/api/v1/partnerships/p/")["ETag"]
        partnership.title = "Renamed"
        partnership.save()
        assert api.get("/api/v1/partnerships/p/", HTTP_IF_NONE_MATCH=etag).status_code == 200


class TestThrottling:
    def test_anonymous_clients_get_429_with_retry_after(self, api, settings):
        settings.API_ANON_THROTTLE_RATE = "3/minute"
        statuses = [api.get("/api/v1/platforms/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = api.get("/api/v1/platforms/")
        assert int(response["Retry-After"]) > 0

    def test_authenticated_curators_are_not_limited_by_the_anonymous_rate(self, api, settings, curator):
        settings.API_ANON_THROTTLE_RATE = "1/minute"
        api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
        assert [api.get("/api/v1/platforms/").status_code for _ in range(3)] == [200, 200, 200]


def test_cors_allows_get_from_any_origin(api):
    response = api.get("/api/v1/platforms/", HTTP_ORIGIN="https://portal.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("size", [1, 20, 100])
def test_partnership_list_query_count_is_constant(api, django_assert_max_num_queries, size):
    for _ in range(3):
        partnership = PartnershipFactory()
        ParticipationFactory.create_batch(2, partnership=partnership)
    PartnershipFactory.create_batch(100)
    with django_assert_max_num_queries(13):
        assert api.get("/api/v1/partnerships/", {"page_size": size}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/partners/", "/api/v1/people/", "/api/v1/countries/"])
def test_other_lists_have_constant_query_counts(api, django_assert_max_num_queries, url):
    PartnerFactory.create_batch(30)
    PersonFactory.create_batch(30, affiliation=PartnerFactory())
    for size in (1, 20, 100):
        with django_assert_max_num_queries(7):
            api.get(url, {"page_size": size})


# Curators' writes.


def _user(username: str, *perms: str) -> User:
    user = User.objects.create_user(username, password="x")
    user.user_permissions.add(*Permission.objects.filter(codename__in=perms))
    user.token = Token.objects.create(user=user).key
    return user


@pytest.fixture
def curator() -> User:
    user = _user("curator")
    user.groups.add(Group.objects.get(name=CURATORS))
    return user


@pytest.fixture
def contributor() -> User:
    """May add and change partnerships but not publish them."""
    return _user("contributor", "add_partnership", "change_partnership", "add_partner", "change_partner")


def test_anonymous_writes_are_refused(api):
    PartnershipFactory(slug="p")
    assert api.post("/api/v1/partnerships/", {"title": "X"}, format="json").status_code == 401
    assert api.patch("/api/v1/partnerships/p/", {"title": "X"}, format="json").status_code == 401
    assert api.delete("/api/v1/partnerships/p/").status_code == 401
    assert api.post("/api/v1/partnerships/p/publish/").status_code == 401


def test_user_without_model_permission_gets_403(api):
    api.credentials(HTTP_AUTHORIZATION=f"Token {_user('reader').token}")
    assert api.post("/api/v1/partnerships/", {"title": "X"}, format="json").status_code == 403


def test_created_record_is_a_draft_even_if_status_is_sent(api, contributor):
    api.credentials(HTTP_AUTHORIZATION=f"Token {contributor.token}")
    partner = PartnerFactory(slug="agency")
    response = api.post(
        "/api/v1/partnerships/",
        {
            "title": "New cooperation",
            "status": "published",
            "platforms": ["cities"],
            "sdgs": [17],
            "countries": ["RW"],
            "participants": [{"partner": "agency", "triangular_role": "pivotal"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["workflow_status"] == "draft" and "status" not in response.json()
    created = Partnership.objects.get(slug=response.json()["slug"])
    assert created.status == Status.DRAFT
    assert created.created_by == contributor
    assert list(created.partners.all()) == [partner]
    assert api.get(f"/api/v1/partnerships/{created.slug}/").status_code == 404


def test_validation_errors_name_the_fields(api, contributor):
    api.credentials(HTTP_AUTHORIZATION=f"Token {contributor.token}")
    response = api.post(
        "/api/v1/partnerships/",
        {"title": "", "sdgs": [18], "start_date": "2020-05-01", "end_date": "2019-01-01"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert {"title", "sdgs"} <= body.keys()
    response = api.post(
        "/api/v1/partnerships/",
        {"title": "Dates", "start_date": "2020-05-01", "end_date": "2019-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "end_date" in response.json()


def test_contributor_cannot_publish(api, contributor):
    api.credentials(HTTP_AUTHORIZATION=f"Token {contributor.token}")
    PartnershipFactory(slug="draft", draft=True)
    assert api.post("/api/v1/partnerships/draft/publish/").status_code == 403
    assert Partnership.objects.get(slug="draft").status == Status.DRAFT


def test_curator_edits_a_draft_and_publishes_it(api, curator):
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    PartnershipFactory(slug="draft", draft=True)
    response = api.patch("/api/v1/partnerships/draft/", {"summary": "Now complete."}, format="json")
    assert response.status_code == 200
    response = api.post("/api/v1/partnerships/draft/publish/")
    assert response.status_code == 200
    assert response.json()["workflow_status"] == "published"
    api.credentials()
    assert api.get("/api/v1/partnerships/draft/").json()["summary"] == "Now complete."


def test_patch_cannot_change_status(api, curator):
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    PartnershipFactory(slug="p", draft=True)
    for name in ("status", "workflow_status"):
        api.patch("/api/v1/partnerships/p/", {name: "published"}, format="json")
    assert Partnership.objects.get(slug="p").status == Status.DRAFT


def test_deleting_a_partner_still_in_use_is_a_409(api, curator):
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    ParticipationFactory(partner=PartnerFactory(slug="busy"))
    assert api.delete("/api/v1/partners/busy/").status_code == 409
    assert Partner.objects.filter(slug="busy").exists()


def test_partner_created_through_the_api_is_found_by_search_once_published(api, curator, settings):
    settings.REQUIRE_SECOND_REVIEWER = False  # one curator creates and publishes (test_publish_rules.py)
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    response = api.post(
        "/api/v1/partners/", {"name": "Zanzibar Seaweed Collective", "country": "TZ"}, format="json"
    )
    assert response.status_code == 201, response.json()
    slug = response.json()["slug"]
    assert api.get("/api/v1/partners/", {"q": "seaweed"}).json()["count"] == 0
    api.post(f"/api/v1/partners/{slug}/publish/")
    assert api.get("/api/v1/partners/", {"q": "seaweed"}).json()["count"] == 1


def test_stale_if_match_is_refused_with_412(api, curator):
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    record = PartnershipFactory(slug="p", draft=True)
    stale = record.etag
    first = api.patch("/api/v1/partnerships/p/", {"summary": "First"}, format="json", HTTP_IF_MATCH=stale)
    assert first.status_code == 200
    assert first["ETag"] != stale and first.json()["version"] == record.version + 1
    second = api.patch("/api/v1/partnerships/p/", {"summary": "Second"}, format="json", HTTP_IF_MATCH=stale)
    assert second.status_code == 412
    assert Partnership.objects.get(slug="p").summary == "First"
    current = api.patch(
        "/api/v1/partnerships/p/", {"summary": "Third"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    assert current.status_code == 200
    assert api.patch("/api/v1/partnerships/p/", {}, format="json", HTTP_IF_MATCH='"abc"').status_code == 412


def test_workflow_transitions_through_the_api(api, curator):
    from registry.groups import CONTRIBUTORS

    writer = _user("writer")
    writer.groups.add(Group.objects.get(name=CONTRIBUTORS))
    PartnershipFactory(slug="p", draft=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {writer.token}")
    assert api.post("/api/v1/partnerships/p/submit/").json()["workflow_status"] == "in_review"
    assert api.post("/api/v1/partnerships/p/publish/").status_code == 403
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    assert (
        api.post("/api/v1/partnerships/p/return-to-draft/", {}, format="json").status_code == 409
    )  # no reason
    back = api.post("/api/v1/partnerships/p/return-to-draft/", {"reason": "Add a source."}, format="json")
    assert back.json()["workflow_status"] == "draft"
    assert api.post("/api/v1/partnerships/p/publish/").json()["workflow_status"] == "published"
    assert api.post("/api/v1/partnerships/p/publish/").status_code == 409  # already published
    assert api.post("/api/v1/partnerships/p/archive/").json()["workflow_status"] == "archived"
    api.credentials()
    assert api.get("/api/v1/partnerships/p/").status_code == 404


def test_api_writes_are_kept_in_history_with_their_author(api, curator):
    partnership = PartnershipFactory(slug="h", draft=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    response = api.patch("/api/v1/partnerships/h/", {"summary": "Changed through the API."}, format="json")
    assert response.status_code == 200, response.content
    assert api.post("/api/v1/partnerships/h/publish/").status_code == 200
    updates = partnership.history.filter(pgh_label="update").order_by("pgh_id")
    assert [e.summary for e in updates][:1] == ["Changed through the API."]
    assert updates.last().status == "published"
    assert all(e.pgh_context and e.pgh_context.metadata.get("user") == curator.pk for e in updates)


def test_writes_take_json_only(api, curator):
    """A form body cannot say null nor carry participants: the API reads JSON and says so."""
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    assert api.post("/api/v1/partners/", {"name": "Form"}, format="multipart").status_code == 415
    assert api.post("/api/v1/partners/", {"name": "Json"}, format="json").status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"title": 5},  # text is a string, not a number read as one
        {"summary": ["a list"]},
        {"sdgs": ["17"]},  # SDG keys are whole numbers
        {"sdgs": [17.0]},
        {"activity_status": ""},  # a code, or null for none
        {"activity_status": 2},  # IATI codes are strings
        {"platforms": [5]},  # slugs are strings
        {"participants": [{"partner": 5}]},
    ],
)
def test_written_values_must_have_the_type_the_schema_gives(api, curator, body):
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    PartnershipFactory(slug="p", draft=True)
    response = api.patch("/api/v1/partnerships/p/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json().keys() == body.keys()


def test_transition_reasons_are_checked_like_any_text(api, curator):
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator.token}")
    PartnershipFactory(slug="p")
    # PostgreSQL cannot store NUL: refused as a field error, not a failed save.
    response = api.post("/api/v1/partnerships/p/unpublish/", {"reason": "a\x00b"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert api.post("/api/v1/partnerships/p/unpublish/", ["a", "list"], format="json").status_code == 400
    assert Partnership.objects.get(slug="p").status == Status.PUBLISHED


def test_no_record_is_given_the_address_of_a_collection_action_as_slug(api):
    """/api/v1/partners/facets/ is the facet counts: a partner named Facets gets another slug."""
    partner = PartnerFactory(name="Facets")
    assert partner.slug == "facets-2"
    assert api.get(f"/api/v1/partners/{partner.slug}/").json()["name"] == "Facets"
    assert "type" in api.get("/api/v1/partners/facets/").json()
