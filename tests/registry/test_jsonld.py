"""schema.org JSON-LD and link-preview meta tags on record pages, read back with extruct."""

from __future__ import annotations

import extruct
import pytest
from django.urls import reverse

from events.models import Event, EventOrganiser, RegistrationLink
from reports.models import Authorship, PublicationOrganisation
from sscregistry.seed import load_seed_data
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

KIGALI = "un-day-for-south-south-cooperation-2023-kigali"


def _extract(client, path: str) -> dict[str, list]:
    response = client.get(path)
    assert response.status_code == 200
    return extruct.extract(
        response.text, base_url=f"http://testserver{path}", syntaxes=["json-ld", "opengraph"], uniform=True
    )


def _jsonld(client, path: str) -> dict[str, dict]:
    return {item["@type"]: item for item in _extract(client, path)["json-ld"]}


def test_partner_pages_describe_an_organization(client):
    load_seed_data()
    org = _jsonld(client, reverse("partnerships:partner-detail", args=["unossc"]))["Organization"]
    assert org["name"] == "United Nations Office for South-South Cooperation"
    assert org["url"] == "https://www.unsouthsouth.org"
    assert "UNOSSC" in org["alternateName"]
    assert "FNs organisasjon for sør-sør-samarbeid" in org["alternateName"]
    assert org["parentOrganization"]["name"] == "United Nations Development Programme"
    assert org["parentOrganization"]["@id"] == "http://testserver/partners/undp/#organization"
    fao = _jsonld(client, reverse("partnerships:partner-detail", args=["fao"]))["Organization"]
    assert fao["identifier"] == {"@type": "PropertyValue", "propertyID": "org-id", "value": "XM-DAC-41301"}


def test_a_draft_parent_organisation_is_not_named(client):
    parent = PartnerFactory(name="Hidden parent", draft=True)
    child = PartnerFactory(parent=parent)
    org = _jsonld(client, child.get_absolute_url())["Organization"]
    assert "parentOrganization" not in org
    assert "Hidden parent" not in client.get(child.get_absolute_url()).text


def test_the_kigali_event_is_a_hybrid_event_in_kigali_time(client):
    load_seed_data()
    event = _jsonld(client, reverse("events:event-detail", args=[KIGALI]))["Event"]
    assert event["startDate"] == "2023-09-12T09:00:00+02:00"
    assert event["endDate"] == "2023-09-12T13:00:00+02:00"
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    place, virtual = event["location"]
    assert place["@type"] == "Place"
    assert place["name"] == "Rwanda Cooperation Governance Center"
    assert place["address"] == {"@type": "PostalAddress", "addressLocality": "Kigali", "addressCountry": "RW"}
    assert virtual["@type"] == "VirtualLocation"
    assert {o["name"] for o in event["organizer"]} == {
        "Rwanda Cooperation",
        "Food and Agriculture Organization of the United Nations",
        "International Fund for Agricultural Development",
        "World Food Programme",
    }


def test_a_side_event_names_its_super_event_and_all_day_events_use_dates(client):
    load_seed_data()
    side = _jsonld(
        client, reverse("events:event-detail", args=["south-south-cooperation-in-the-digital-era"])
    )
    assert side["Event"]["superEvent"]["name"] == (
        "Second High-level United Nations Conference on South-South Cooperation"
    )
    assert side["Event"]["startDate"] == "2019-03-19"
    assert side["Event"]["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    month = _jsonld(client, reverse("events:event-detail", args=["unece-62nd-session"]))["Event"]
    assert month["startDate"] == "2007-04"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Event.EventStatus.CANCELLED, "EventCancelled"),
        (Event.EventStatus.POSTPONED, "EventPostponed"),
        (Event.EventStatus.RESCHEDULED, "EventRescheduled"),
        (Event.EventStatus.MOVED_ONLINE, "EventMovedOnline"),
    ],
)
def test_event_status_follows_the_record(client, status, expected):
    event = EventFactory(event_status=status, city="Nairobi", country_id="KE")
    data = _jsonld(client, event.get_absolute_url())["Event"]
    assert data["eventStatus"] == f"https://schema.org/{expected}"


def test_an_online_event_has_a_virtual_location_and_no_place(client):
    event = EventFactory(attendance_mode=Event.AttendanceMode.ONLINE)
    RegistrationLink.objects.create(event=event, kind="online", url="https://example.org/join")
    data = _jsonld(client, event.get_absolute_url())["Event"]
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://example.org/join"}


def test_a_draft_organiser_is_not_named(client):
    event = EventFactory()
    EventOrganiser.objects.create(event=event, partner=PartnerFactory(name="Public host"))
    EventOrganiser.objects.create(event=event, partner=PartnerFactory(name="Draft host", draft=True))
    data = _jsonld(client, event.get_absolute_url())["Event"]
    assert data["organizer"]["name"] == "Public host"
    assert "Draft host" not in client.get(event.get_absolute_url()).text


def test_the_norec_report_is_a_report_in_its_series(client):
    load_seed_data()
    path = reverse(
        "reports:publication-detail", args=["south-south-and-triangular-cooperation-in-action-norec"]
    )
    report = _jsonld(client, path)["Report"]
    assert report["inLanguage"] == "en"
    assert [a["name"] for a in report["author"]] == [
        "Helge Espe",
        "Astrid Scnitzer-Skjønsberg",
        "Norwegian Agency for Exchange Cooperation",
    ]
    assert report["publisher"]["name"] == "United Nations Office for South-South Cooperation"
    assert report["isPartOf"] == {
        "@type": "CreativeWorkSeries",
        "name": "South-South and Triangular Cooperation in Action",
    }
    assert report["datePublished"] == "2019-03-19"


def test_translations_are_linked_both_ways(client):
    load_seed_data()
    english = _jsonld(client, reverse("reports:publication-detail", args=["norec-report-launched-at-bapa40"]))
    nynorsk = _jsonld(
        client, reverse("reports:publication-detail", args=["lanserer-spesialrapport-om-norec-pa-bapa40"])
    )
    assert english["NewsArticle"]["translationOfWork"]["name"] == (
        "FNs organisasjon for sør-sør-samarbeid lanserer spesialrapport om Norec"
    )
    assert nynorsk["NewsArticle"]["inLanguage"] == "nn"
    assert (
        nynorsk["NewsArticle"]["workTranslation"][0]["name"] == "Special report on Norec launched at BAPA+40"
    )
    strategy = _jsonld(
        client, reverse("reports:publication-detail", args=["unece-technical-cooperation-strategy-2007"])
    )["CreativeWork"]
    assert strategy["inLanguage"] == "en"
    assert strategy["workTranslation"][0]["inLanguage"] == "ru"
    assert strategy["datePublished"] == "2007-04"


def test_draft_authors_and_publishers_are_not_named(client):
    publication = PublicationFactory()
    Authorship.objects.create(publication=publication, person=PersonFactory(name="Draft author", draft=True))
    PublicationOrganisation.objects.create(
        publication=publication, partner=PartnerFactory(name="Draft publisher", draft=True), role="publisher"
    )
    data = _jsonld(client, publication.get_absolute_url())["Report"]
    assert "author" not in data and "publisher" not in data
    html = client.get(publication.get_absolute_url()).text
    assert "Draft author" not in html and "Draft publisher" not in html


@pytest.mark.parametrize(
    ("factory", "section"),
    [
        (PartnerFactory, "Partners"),
        (PartnershipFactory, "Partnerships"),
        (EventFactory, "Events"),
        (PublicationFactory, "Publications"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_record_pages_have_breadcrumbs_and_preview_tags(client, factory, section):
    record = factory()
    path = record.get_absolute_url()
    data = _extract(client, path)
    (trail,) = [item for item in data["json-ld"] if item["@type"] == "BreadcrumbList"]
    names = [item["name"] for item in trail["itemListElement"]]
    assert names == ["SSC Registry", section, str(getattr(record, "title", None) or record)]
    assert trail["itemListElement"][-1]["item"] == f"http://testserver{path}"
    (og,) = data["opengraph"]
    assert og["og:url"] == f"http://testserver{path}"
    assert og["og:title"] == names[-1]
    assert og["og:site_name"] == "SSC Registry"
    html = client.get(path).text
    assert '<meta name="twitter:card" content="summary">' in html
    assert f'<link rel="canonical" href="http://testserver{path}">' in html


def test_json_ld_carries_the_csp_nonce_and_cannot_close_its_script(client):
    partner = PartnerFactory(name="</script><script>alert(1)</script>", description="A & B")
    response = client.get(partner.get_absolute_url())
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script type="application/ld+json" nonce="{nonce}">' in response.text
    assert "<script>alert(1)" not in response.text
    org = _jsonld(client, partner.get_absolute_url())["Organization"]
    assert org["name"] == "</script><script>alert(1)</script>"


def test_the_organization_lists_published_sub_organizations(client):
    parent = PartnerFactory()
    PartnerFactory(name="Visible office", parent=parent)
    PartnerFactory(name="Draft office", parent=parent, draft=True)
    org = _jsonld(client, parent.get_absolute_url())["Organization"]
    assert [o["name"] for o in org["subOrganization"]] == ["Visible office"]
