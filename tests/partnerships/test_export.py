"""CSV exports: every matching published row, labels beside codes, one column per relation."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import (
    EventFactory,
    EventOrganiserFactory,
    ParticipationFactory,
    PartnerFactory,
    PartnershipFactory,
    PublicationFactory,
    PublicationOrganisationFactory,
)
from vocabularies.models import Platform

pytestmark = pytest.mark.django_db


def rows(api, url: str, **params) -> list[dict]:
    response = api.get(url, params)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_streams_every_matching_row_not_one_page(api):
    PartnershipFactory.create_batch(130)
    assert len(rows(api, "/api/v1/partnerships/export.csv")) == 130


def test_export_applies_the_filters_and_leaves_out_drafts(api):
    PartnershipFactory(slug="cities").platforms.set(Platform.objects.filter(slug="cities"))
    PartnershipFactory(slug="other")
    PartnershipFactory(slug="draft-cities", draft=True).platforms.set(Platform.objects.filter(slug="cities"))
    assert [r["slug"] for r in rows(api, "/api/v1/partnerships/export.csv", platform="cities")] == ["cities"]


def test_export_has_labels_beside_codes_and_a_column_per_relation(api):
    partnership = PartnershipFactory(slug="p", activity_status_id="2")
    partnership.sdgs.set([17])
    partnership.countries.set(["RW"])
    ParticipationFactory(
        partnership=partnership,
        partner=PartnerFactory(slug="agency", name="Agency", acronym="AG"),
        triangular_role="pivotal",
    )
    ParticipationFactory(partnership=partnership, partner=PartnerFactory(slug="secret", draft=True))
    (row,) = rows(api, "/api/v1/partnerships/export.csv")
    assert row["status_code"] == "2" and row["status"] == "Implementation"
    assert row["sdgs"] == "Partnerships for the goals [17]"
    assert row["countries"] == "Rwanda [RW]"
    assert row["participants"] == "Agency (AG) [agency] - Pivotal partner"
    assert row["web_url"] == "http://testserver/partnerships/p/"


def test_bad_filter_answers_400_in_json(api):
    response = api.get("/api/v1/partnerships/export.csv", {"country": "XX"})
    assert response.status_code == 400
    assert response.json() == {
        "country": [
            "Select a valid choice. XX is not one of the available choices.",
            "Valid values are AD, AE, AF, AG, AI, AL, AM, AO, AQ, AR, ... (the API's schema lists them).",
        ]
    }


def test_formula_like_cells_are_defused(api):
    PartnershipFactory(slug="f", title='=HYPERLINK("http://evil")')
    (row,) = rows(api, "/api/v1/partnerships/export.csv")
    assert row["title"].startswith("'=")


def test_events_publications_partners_and_people_export(api):
    EventOrganiserFactory(event=EventFactory(slug="e", country_id="RW"), partner=PartnerFactory(slug="host"))
    PublicationOrganisationFactory(
        publication=PublicationFactory(slug="pub"), partner=PartnerFactory(slug="pubr")
    )
    (event,) = rows(api, "/api/v1/events/export.csv")
    assert event["country"] == "Rwanda" and event["organisers"].startswith("Partner organisation")
    (publication,) = rows(api, "/api/v1/publications/export.csv")
    assert publication["type"] == "Report" and "[pubr] - Publisher" in publication["organisations"]
    assert len(rows(api, "/api/v1/partners/export.csv")) == 2
    assert rows(api, "/api/v1/people/export.csv") == []


def test_export_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    for _ in range(40):
        ParticipationFactory(partnership=PartnershipFactory())
    with django_assert_max_num_queries(15):
        rows(api, "/api/v1/partnerships/export.csv")
