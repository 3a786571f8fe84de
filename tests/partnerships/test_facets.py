"""Facet counts: every filter but the facet's own, drafts never counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ParticipationFactory, PartnerFactory, PartnershipFactory, PublicationFactory
from vocabularies.models import Platform

pytestmark = pytest.mark.django_db


def facets(api, **params) -> dict:
    response = api.get("/api/v1/partnerships/facets/", params)
    assert response.status_code == 200, response.json()
    return response.json()


def counts(values: list[dict]) -> dict:
    return {item["value"]: item["count"] for item in values}


def make(slug: str, platforms: list[str], sdgs: list[int], **extra):
    partnership = PartnershipFactory(slug=slug, **extra)
    partnership.platforms.set(Platform.objects.filter(slug__in=platforms))
    partnership.sdgs.set(sdgs)
    return partnership


@pytest.fixture
def partnerships(db):
    make("a", ["cities"], [17])
    make("b", ["cities", "academia-and-youth"], [1])
    make("c", ["financial-sector"], [17])
    make("hidden", ["cities", "financial-sector"], [17], draft=True)


def test_all_facets_are_answered_with_value_label_count(api, partnerships):
    body = facets(api)
    assert set(body) == {"platform", "modality", "status", "sdg", "region", "country", "partner_type"}
    assert {"value": "cities", "label": "Cities", "count": 2} in body["platform"]


def test_drafts_are_never_counted(api, partnerships):
    body = facets(api)
    assert counts(body["platform"]) == {"cities": 2, "academia-and-youth": 1, "financial-sector": 1}
    assert counts(body["sdg"]) == {17: 2, 1: 1}


def test_a_facet_ignores_its_own_filter_but_applies_the_others(api, partnerships):
    body = facets(api, platform="cities")
    # Ticking "cities" keeps the other platforms' counts visible...
    assert counts(body["platform"]) == {"cities": 2, "academia-and-youth": 1, "financial-sector": 1}
    # ...while the other facets count only the partnerships in Cities.
    assert counts(body["sdg"]) == {17: 1, 1: 1}


def test_two_filters_each_facet_sees_the_other(api, partnerships):
    body = facets(api, platform="cities", sdg="17")
    assert counts(body["platform"]) == {"cities": 1, "financial-sector": 1}
    assert counts(body["sdg"]) == {17: 1, 1: 1}


def test_search_narrows_every_facet(api, partnerships):
    PartnershipFactory(slug="mangroves", title="Mangroves").platforms.set(
        Platform.objects.filter(slug="cities")
    )
    assert counts(facets(api, q="mangroves")["platform"]) == {"cities": 1}


def test_country_region_and_partner_type_count_published_partners_only(api, db):
    partnership = PartnershipFactory(slug="p")
    partnership.countries.set(["RW"])
    ParticipationFactory(
        partnership=partnership, partner=PartnerFactory(country_id="NO", organisation_type_id="10")
    )
    ParticipationFactory(
        partnership=partnership,
        partner=PartnerFactory(country_id="BR", organisation_type_id="21", draft=True),
    )
    body = facets(api)
    assert counts(body["country"]) == {"RW": 1, "NO": 1}
    assert counts(body["partner_type"]) == {"10": 1}
    regions = counts(body["region"])
    assert regions["202"] == 1 and regions["002"] == 1 and regions["154"] == 1 and regions["001"] == 1
    assert "419" not in regions  # Brazil's partner is a draft


def test_a_record_counts_once_per_value_however_many_paths_lead_to_it(api, db):
    """Africa is reached through the covered region, a covered country and two partners' country;
    two partners share a type: each still counts the partnership once."""
    partnership = PartnershipFactory(slug="p")
    partnership.regions.set(["002"])
    partnership.countries.set(["RW", "KE"])
    for _ in range(2):
        ParticipationFactory(
            partnership=partnership, partner=PartnerFactory(country_id="RW", organisation_type_id="10")
        )
    body = facets(api)
    assert counts(body["partner_type"]) == {"10": 1}
    assert counts(body["country"]) == {"RW": 1, "KE": 1}
    regions = counts(body["region"])
    assert regions["002"] == 1 and regions["202"] == 1 and regions["014"] == 1 and regions["001"] == 1
    assert set(regions.values()) == {1}


def test_link_rows_are_counted_without_distinct_only_where_each_is_one_pair():
    from partnerships.filters import PartnershipFilter

    facets_ = PartnershipFilter.facets
    assert facets_["platform"].rows_unique and facets_["sdg"].rows_unique and facets_["status"].rows_unique
    assert not facets_["partner_type"].rows_unique  # two partners of one type in one partnership


def test_bad_filter_values_are_400(api, db):
    response = api.get("/api/v1/partnerships/facets/", {"sdg": "18"})
    assert response.status_code == 400
    assert "sdg" in response.json()


def test_events_and_publications_have_facets(api, db):
    assert set(api.get("/api/v1/events/facets/").json()) == {
        "type",
        "attendance_mode",
        "status",
        "country",
        "organiser",
    }
    assert set(api.get("/api/v1/publications/facets/").json()) == {
        "type",
        "language",
        "year",
        "series",
        "partner",
    }
    assert set(api.get("/api/v1/partners/facets/").json()) == {"type", "country"}


def test_facets_are_counted_in_one_query(api, partnerships, django_assert_max_num_queries):
    cases = [{}, {"platform": "cities"}, {"platform": "cities", "sdg": "17", "modality": "triangular"}]
    for params in cases:
        with CaptureQueriesContext(connection) as queries:
            facets(api, **params)
        counting = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
        assert len(counting) == 1, params
        # Besides it: one query per parameter to check its values exist, and the last write's time
        # for the response's Last-Modified; nothing per facet.
        with django_assert_max_num_queries(2 + len(params)):
            facets(api, **params)


def test_facet_order_is_most_records_first_then_label(api, partnerships):
    PartnershipFactory(slug="d").platforms.set(Platform.objects.filter(slug="academia-and-youth"))
    body = facets(api)
    # Equal counts: by label, Academia... before Cities.
    assert [(v["value"], v["count"]) for v in body["platform"]] == [
        ("academia-and-youth", 2),
        ("cities", 2),
        ("financial-sector", 1),
    ]
    assert [v["count"] for v in body["sdg"]] == [2, 1] and isinstance(body["sdg"][0]["value"], int)


def test_publication_years_stay_numbers(api, db):
    PublicationFactory(publication_date="2021-05-01")
    PublicationFactory(publication_date="2019-01-01")
    PublicationFactory(publication_date="2019-02-01")
    body = api.get("/api/v1/publications/facets/").json()
    assert body["year"] == [
        {"value": 2019, "label": "2019", "count": 2},
        {"value": 2021, "label": "2021", "count": 1},
    ]
