"""Matching written organisation names to partners: the matcher (partnerships/matching.py) and
`GET /api/v1/partners/match/`."""

from __future__ import annotations

import pytest

from partnerships import matching
from partnerships.models import Partner
from registry.tasks import embed_records
from registry.workflow import Status
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/partners/match/"


def answer(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def embedded(seeded):
    embed_records.call("partnerships.partner")


class TestTheSeedsPartners:
    def test_an_acronym_chooses_its_partner(self, seeded, client):
        body = answer(client, name="UNOSSC")
        assert body["chosen"] == "unossc"
        first = body["candidates"][0]
        assert first["slug"] == "unossc" and first["chosen"] and first["score"] >= matching.CHOSEN_SCORE
        assert first["reasons"][0]["kind"] == matching.ACRONYM
        assert sum(c["chosen"] for c in body["candidates"]) == 1

    def test_an_alias_in_another_language_chooses_its_partner(self, seeded, client):
        body = answer(client, name="FNs organisasjon for sør-sør samarbeid")
        assert body["chosen"] == "unossc"
        # The stored alias is "sør-sør-samarbeid": hyphens count as spaces.
        stored = {
            "kind": "exact_alias",
            "matched": "FNs organisasjon for sør-sør-samarbeid",
            "language": "nn",
        }
        assert stored in body["candidates"][0]["reasons"]

    def test_case_accents_punctuation_and_an_article_are_ignored(self, seeded, client):
        assert answer(client, name="  the world green economy organization. ")["chosen"] == "wgeo"

    def test_an_acronym_within_a_longer_name_is_a_candidate_not_a_choice(self, seeded, client):
        body = answer(client, name="the Director for UNOSSC")
        assert "unossc" in [c["slug"] for c in body["candidates"]]
        assert body["chosen"] is None

    def test_a_similar_acronym_is_never_chosen(self, seeded, client):
        # The UN Office for Outer Space Affairs is not in the seed: UNOSSC must not be taken for it.
        for name in ("UNOOSA", "UN Office for Outer Space Affairs"):
            assert answer(client, name=name)["chosen"] is None

    def test_a_typo_ranks_the_partner_without_choosing_it(self, seeded, client):
        body = answer(client, name="World Green Economy Organisaton")
        assert body["candidates"][0]["slug"] == "wgeo"
        assert body["candidates"][0]["reasons"][0]["kind"] == matching.FUZZY
        assert body["chosen"] is None

    def test_a_name_in_another_language_finds_its_partner_by_meaning(self, embedded, client):
        body = answer(client, name="Organisation des Nations Unies pour l'alimentation et l'agriculture")
        assert "fao" in [c["slug"] for c in body["candidates"]]
        assert body["chosen"] is None  # meaning alone never chooses


def test_the_same_name_in_two_countries_chooses_only_with_the_country(client):
    PartnerFactory(slug="moa-ke", name="Ministry of Agriculture", country_id="KE", status=Status.PUBLISHED)
    PartnerFactory(slug="moa-rw", name="Ministry of Agriculture", country_id="RW", status=Status.PUBLISHED)
    body = answer(client, name="Ministry of Agriculture")
    assert {c["slug"] for c in body["candidates"]} == {"moa-ke", "moa-rw"}
    assert body["chosen"] is None
    body = answer(client, name="Ministry of Agriculture", country="rw")
    assert body["chosen"] == "moa-rw"
    assert {"kind": "other_country", "matched": "KE"} in body["candidates"][1]["reasons"]


def test_an_identifier_chooses_its_partner(client):
    PartnerFactory(slug="fao", name="FAO", identifier="XM-DAC-41301", status=Status.PUBLISHED)
    body = answer(client, name="xm-dac-41301")
    assert body["chosen"] == "fao"
    assert body["candidates"][0]["reasons"][0]["kind"] == matching.IDENTIFIER


def test_drafts_are_never_candidates(client):
    PartnerFactory(slug="secret", name="Secret Agency", acronym="SECA", status=Status.DRAFT)
    for name in ("Secret Agency", "SECA", "Secret Agncy"):
        assert answer(client, name=name)["candidates"] == []
    # The admin's duplicate check sees them.
    assert matching.chosen("Secret Agency", partners=Partner.objects.all()).slug == "secret"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "name", "Give the organisation's name"),
        ({"name": "   "}, "name", "Give the organisation's name"),
        ({"name": "x" * 10_000}, "name", "at most 300 characters"),
        ({"name": "FAO\x00"}, "name", ""),
        ({"name": "FAO\nWFP"}, "name", ""),
        ({"name": "!!! ???"}, "name", "no letters or digits"),
        ({"name": "FAO", "country": "XX"}, "country", "not an ISO 3166"),
        ({"name": "FAO", "type": "999"}, "type", "not an IATI organisation type"),
    ],
)
def test_bad_input_is_a_clear_400(client, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert field in body, body
    assert message in " ".join(body[field])


def test_the_answer_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(12):
        PartnerFactory(name=f"Agency for Cooperation {n}", acronym=f"AC{n}", status=Status.PUBLISHED)
    with django_assert_max_num_queries(12):
        body = answer(client, name="Agency for Cooperation")
    assert len(body["candidates"]) == matching.CANDIDATES


def test_the_schema_documents_the_match(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/partners/match/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"name", "country", "type"}
    assert "MatchAnswer" in schema["components"]["schemas"]
