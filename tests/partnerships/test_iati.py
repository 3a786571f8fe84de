"""IATI 2.03 activity and organisation files, validated against the official XSDs with xmlschema."""

from __future__ import annotations

import datetime
import functools
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
import xmlschema
from django.urls import reverse

from partnerships.iati import equal_percentages
from partnerships.models import Participation, PartnerName
from sscregistry.seed import load_seed_data
from tests.factories import PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "iati-schema"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@functools.cache
def _schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / name)


def _activities(client, query: dict | None = None) -> tuple[ET.Element, int]:
    response = client.get(reverse("iati-activities"), query or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    body = b"".join(response.streaming_content)
    _schema("iati-activities-schema.xsd").validate(body.decode())
    return ET.fromstring(body), int(response["X-IATI-Excluded"])


def _by_title(root: ET.Element) -> dict[str, ET.Element]:
    return {a.findtext("title/narrative"): a for a in root.iter("iati-activity")}


def _partnership(**kwargs):
    """A partnership IATI can take: dated, described, with a published partner."""
    kwargs.setdefault("summary", "What it does.")
    partnership = PartnershipFactory(**kwargs)
    Participation.objects.create(partnership=partnership, partner=PartnerFactory())
    return partnership


def test_seed_partnerships_validate_as_iati_activities(client, settings):
    settings.IATI_REPORTING_ORG_REF = "XM-DAC-41114"
    load_seed_data()
    root, excluded = _activities(client)
    assert root.get("version") == "2.03"
    activities = _by_title(root)
    wgeo = activities["UNOSSC and World Green Economy Organization partnership for the green economy"]
    assert wgeo.findtext("iati-identifier").startswith("XM-DAC-41114-partnership-")
    reporting = wgeo.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("secondary-reporter")) == ("XM-DAC-41114", "1")
    assert wgeo.find("title/narrative").get(XML_LANG) == "en"
    orgs = {o.findtext("narrative"): o.attrib for o in wgeo.findall("participating-org")}
    assert orgs["United Nations Development Programme"] == {"role": "4", "ref": "XM-DAC-41114", "type": "40"}
    assert wgeo.find("collaboration-type").get("code") == "8"
    tags = {(t.get("vocabulary"), t.get("code")) for t in wgeo.findall("tag")}
    assert tags == {("2", "17"), ("3", "17.6"), ("3", "17.17")}
    assert [(d.get("type"), d.get("iso-date")) for d in wgeo.findall("activity-date")] == [
        ("2", "2018-02-19")
    ]
    assert wgeo.find("activity-status").get("code") == "2"
    # The Rwanda partnership has no start date, which IATI requires: left out and counted.
    assert "Rwanda Cooperation and the Rome-based agencies on South-South cooperation" not in activities
    assert excluded == 1


def test_several_recipient_places_split_one_hundred_percent(client):
    load_seed_data()
    norec = _by_title(_activities(client)[0])["Norec South-South exchanges and triangular cooperation"]
    regions = norec.findall("recipient-region")
    assert {r.get("code") for r in regions} == {"002", "142", "419"}
    assert {r.get("vocabulary") for r in regions} == {"2"}
    assert sum(Decimal(r.get("percentage")) for r in regions) == 100
    (start,) = norec.findall("activity-date")
    assert start.get("iso-date") == "2001-01-01"
    assert start.findtext("narrative") == "The source gives the start date to the year only."


def test_countries_and_regions_together_add_up_to_one_hundred(client):
    partnership = _partnership()
    partnership.countries.set(["RW", "KE", "UG"])
    partnership.regions.set(["002"])
    (activity,) = _activities(client)[0].iter("iati-activity")
    places = activity.findall("recipient-country") + activity.findall("recipient-region")
    assert sum(Decimal(p.get("percentage")) for p in places) == 100


@pytest.mark.parametrize("count", [1, 2, 3, 6, 7, 11])
def test_equal_percentages_always_total_exactly_one_hundred(count):
    assert sum(equal_percentages(count)) == Decimal(100)


def test_dates_are_actual_once_passed_and_planned_before(client):
    today = datetime.date.today()
    _partnership(
        title="Running",
        start_date=today - datetime.timedelta(days=30),
        end_date=today.replace(year=today.year + 2),
    )
    _partnership(title="Coming", start_date=today.replace(year=today.year + 1))
    _partnership(title="Over", start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2012, 6, 30))
    activities = _by_title(_activities(client)[0])

    def dates(title):
        return [d.get("type") for d in activities[title].findall("activity-date")]

    def status(title):
        return activities[title].find("activity-status").get("code")

    assert (dates("Running"), status("Running")) == (["2", "3"], "2")
    assert (dates("Coming"), status("Coming")) == (["1"], "1")
    assert (dates("Over"), status("Over")) == (["2", "4"], "3")


def test_drafts_never_appear_as_activities_or_participating_orgs(client):
    partnership = _partnership(title="Public")
    Participation.objects.create(
        partnership=partnership, partner=PartnerFactory(name="Draft org", draft=True)
    )
    _partnership(title="Draft partnership", draft=True)
    only_draft_partner = PartnershipFactory(title="Only a draft partner", summary="Text.")
    Participation.objects.create(partnership=only_draft_partner, partner=PartnerFactory(draft=True))
    root, excluded = _activities(client)
    assert set(_by_title(root)) == {"Public"}
    assert "Draft org" not in ET.tostring(root, encoding="unicode")
    assert excluded == 1  # the partnership whose only partner is a draft; drafts are not even counted


def test_a_partnership_without_any_text_is_left_out_and_counted(client):
    _partnership(title="Described")
    bare = _partnership(title="Bare", summary="")
    assert not bare.objective and not bare.description
    root, excluded = _activities(client)
    assert set(_by_title(root)) == {"Described"} and excluded == 1


def test_the_activity_file_takes_the_search_filters(client):
    load_seed_data()
    root, _ = _activities(client, {"q": "norec"})
    assert set(_by_title(root)) == {"Norec South-South exchanges and triangular cooperation"}
    nothing_reportable = client.get(reverse("iati-activities"), {"country": "RW"})
    assert nothing_reportable.status_code == 404  # an IATI file needs at least one activity
    assert nothing_reportable["X-IATI-Excluded"] == "1"
    assert client.get(reverse("iati-activities"), {"sdg": "0"}).status_code == 400


def test_the_activity_file_is_built_without_a_query_per_partnership(client, django_assert_max_num_queries):
    for n in range(30):
        partnership = _partnership(title=f"P{n}")
        partnership.countries.set(["RW", "KE"])
        partnership.sdgs.set([17])
    with django_assert_max_num_queries(12):
        root, _ = _activities(client)
    assert len(root) == 30


def test_partners_with_identifiers_validate_as_iati_organisations(client):
    load_seed_data()
    PartnerFactory(name="Draft org", identifier="XM-DAC-47066", draft=True)
    response = client.get(reverse("iati-organisations"))
    body = b"".join(response.streaming_content)
    _schema("iati-organisations-schema.xsd").validate(body.decode())
    root = ET.fromstring(body)
    organisations = {o.findtext("organisation-identifier"): o for o in root.iter("iati-organisation")}
    assert set(organisations) == {
        "XM-DAC-41301",
        "XM-DAC-41108",
        "XM-DAC-41140",
        "XM-DAC-41114",
        "XM-DAC-41314",
    }
    assert organisations["XM-DAC-41140"].findtext("name/narrative") == "World Food Programme"
    assert int(response["X-IATI-Excluded"]) > 0  # published partners without an identifier


def test_an_organisation_name_carries_its_translations(client):
    partner = PartnerFactory(name="Norwegian Agency for Exchange Cooperation", identifier="NO-BRC-986128433")
    PartnerName.objects.create(
        partner=partner, name="Norsk senter for utvekslingssamarbeid", language_id="no"
    )
    PartnerName.objects.create(partner=partner, name="Norec", language_id="en", kind="variant")
    body = b"".join(client.get(reverse("iati-organisations")).streaming_content)
    _schema("iati-organisations-schema.xsd").validate(body.decode())
    narratives = [(n.get(XML_LANG), n.text) for n in ET.fromstring(body).iter("narrative")]
    assert ("no", "Norsk senter for utvekslingssamarbeid") in narratives
    assert ("en", "Norec") not in narratives
