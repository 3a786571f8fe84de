"""External identifiers of partners (ROR, Wikidata, IATI beside the org-id): each checked by its own
rules on every path, unique, shown as links, found by exact value, and followed when a partner was
merged into another."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerships import matching
from partnerships import services as merging
from partnerships.models import Partner
from registry.workflow import Status
from vocabularies.identifiers import validate_iati_identifier, validate_ror_id, validate_wikidata_id

pytestmark = pytest.mark.django_db


def _published(partner: Partner) -> Partner:
    Partner.objects.filter(pk=partner.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    partner.refresh_from_db()
    return partner


@pytest.mark.parametrize("value", ["03vek6s52", "042nb2s44", "01an7q238", "00hx57361"])
def test_real_ror_ids_pass_their_checksum(value):
    validate_ror_id(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [("03vek6s53", "checksum"), ("042nb2s45", "checksum"), ("13vek6s52", "format"), ("03vek6u52", "format")],
)
def test_a_mistyped_ror_id_is_refused(value, code):
    with pytest.raises(ValidationError) as error:
        validate_ror_id(value)
    assert error.value.code == code


def test_wikidata_and_iati_identifiers_follow_their_rules():
    validate_wikidata_id("Q1065")
    validate_iati_identifier("XM-DAC-41114")
    for bad in ("Q0", "Q12a", "P31"):
        with pytest.raises(ValidationError):
            validate_wikidata_id(bad)
    for bad in ("XM-DAC-41114/x", "XM-DAC 41114", "ZZ-NOPE-1"):
        with pytest.raises(ValidationError):
            validate_iati_identifier(bad)


def test_addresses_are_reduced_to_the_identifiers(make_partner):
    partner = Partner(
        name="Harvard University",
        ror_id="https://ror.org/03VEK6S52",
        wikidata_id="https://www.wikidata.org/wiki/q13371",
        iati_identifier=" xm-dac-41114 ",
    )
    partner.full_clean()
    assert (partner.ror_id, partner.wikidata_id, partner.iati_identifier) == (
        "03vek6s52",
        "Q13371",
        "XM-DAC-41114",
    )


def test_each_identifier_is_unique_across_partners(make_partner):
    make_partner("First", ror_id="03vek6s52", wikidata_id="Q1065", iati_identifier="XM-DAC-41114")
    for field, value in (
        ("ror_id", "03vek6s52"),
        ("wikidata_id", "q1065"),
        ("iati_identifier", "xm-dac-41114"),
    ):
        with pytest.raises(ValidationError) as error:
            Partner(name="Second", **{field: value}).full_clean()
        assert "already has this" in str(error.value)


def test_the_database_refuses_what_the_validators_would(make_partner):
    partner = make_partner("Bypass")
    for field, value in (("ror_id", "not-a-ror"), ("wikidata_id", "Q-1")):
        with pytest.raises(IntegrityError), transaction.atomic():
            Partner.objects.filter(pk=partner.pk).update(**{field: value})


def test_the_api_writes_checks_and_filters_identifiers(curator_api, api):
    created = curator_api.post(
        "/api/v1/partners/",
        {"name": "Harvard University", "ror_id": "https://ror.org/03vek6s52", "wikidata_id": "Q13371"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert Partner.objects.get().ror_id == "03vek6s52"

    refused = curator_api.post("/api/v1/partners/", {"name": "Typo", "ror_id": "03vek6s53"}, format="json")
    assert refused.status_code == 400
    assert "checksum" in str(refused.json()["ror_id"])

    _published(Partner.objects.get())
    for query in ("ror=03vek6s52", "ror=https://ror.org/03VEK6S52", "wikidata=q13371"):
        found = api.get(f"/api/v1/partners/?{query}").json()["results"]
        assert [p["slug"] for p in found] == ["harvard-university"], query
        assert found[0]["ror_id"] == "03vek6s52"
    assert api.get("/api/v1/partners/?ror=042nb2s44").json()["results"] == []


def test_the_partner_page_links_each_register(client, make_partner):
    partner = _published(
        make_partner(
            "United Nations Development Programme",
            acronym="UNDP",
            wikidata_id="Q550408",
            iati_identifier="XM-DAC-41114",
            identifier="XM-DAC-41114",
        )
    )
    html = client.get(partner.get_absolute_url()).content.decode()
    assert 'href="https://www.wikidata.org/wiki/Q550408"' in html
    assert 'href="https://d-portal.org/ctrack.html?publisher=XM-DAC-41114"' in html
    assert '"sameAs"' in html


def test_an_identifier_typed_as_a_name_chooses_its_partner(make_partner):
    partner = _published(make_partner("Harvard University", ror_id="03vek6s52", wikidata_id="Q13371"))
    for typed in ("03vek6s52", "https://ror.org/03vek6s52", "Q13371"):
        [candidate] = matching.match(typed)
        assert candidate.partner == partner and candidate.chosen, typed
        assert candidate.kinds == {matching.IDENTIFIER}


def test_a_merged_duplicate_keeps_answering_in_the_api_and_gives_its_identifiers(
    api, superuser, make_partner
):
    survivor = _published(make_partner("United Nations Office for South-South Cooperation", acronym="UNOSSC"))
    duplicate = _published(make_partner("UN Office for South-South Cooperation", wikidata_id="Q7888017"))
    old_slug = duplicate.slug

    merging.partner_merge(survivor=survivor, duplicate=duplicate, user=superuser)

    response = api.get(f"/api/v1/partners/{old_slug}/?format=json")
    assert response.status_code == 301
    assert response["Location"] == f"/api/v1/partners/{survivor.slug}/?format=json"
    assert api.get(f"/api/v1/partners/{old_slug}/", follow=True).json()["slug"] == survivor.slug
    survivor.refresh_from_db()
    assert survivor.wikidata_id == "Q7888017"
    assert matching.chosen("UN Office for South-South Cooperation") == survivor
    assert matching.chosen("Q7888017") == survivor
    assert merging.published_by_slug([old_slug, survivor.slug, "nothing"]) == {
        old_slug: survivor,
        survivor.slug: survivor,
    }
