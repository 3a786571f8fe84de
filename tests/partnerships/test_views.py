"""The partnership search page, the partnership page and the partner pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from partnerships.models import Participation, Partner, PartnerRedirect
from sscregistry.seed import load_seed_data
from tests.factories import PartnerFactory, PartnershipFactory
from vocabularies.models import Platform

pytestmark = pytest.mark.django_db

SEARCH = "/partnerships/"
WGEO = "unossc-wgeo-green-economy"


@pytest.fixture
def seed():
    load_seed_data()


def _titles(response) -> list[str]:
    return [
        title.strip()
        for title in re.findall(r'<h2><a href="/partnerships/[^"]+" lang="en">([^<]+)</a>', response.text)
    ]


def test_free_text_search_uses_the_api_syntax(client, seed):
    response = client.get(SEARCH, {"q": "green economy"})
    assert response.status_code == 200
    assert _titles(response)[0].startswith("UNOSSC and World Green Economy")
    assert "1 result" in response.text
    # Excluding a word, as in the API.
    assert (
        _titles(client.get(SEARCH, {"q": "cooperation -green"}))
        and WGEO not in client.get(SEARCH, {"q": "cooperation -green"}).text
    )


def test_facets_count_with_the_query_and_tick_from_the_address(client, seed):
    response = client.get(SEARCH, {"q": "cooperation"})
    assert re.search(
        r'name="platform" value="cities"[^>]*>.*?Cities <span class="count">\(1\)</span>', response.text, re.S
    )
    ticked = client.get(SEARCH, {"q": "cooperation", "platform": "cities"})
    assert _titles(ticked) == [
        "UNOSSC and World Green Economy Organization partnership for the green economy"
    ]
    assert re.search(r'name="platform" value="cities"[^>]*checked', ticked.text)
    # SDG values carry the goal's official colour.
    assert 'fill="#19486A"' in response.text


def test_every_facet_the_issue_names_is_offered(client, seed):
    text = client.get(SEARCH).text
    for title in (
        "Platform",
        "Modality",
        "Status",
        "Sustainable Development Goal",
        "Region",
        "Country",
        "Partner type",
    ):
        assert f"<legend>{title}</legend>" in text


def test_active_filters_are_removable_chips(client, seed):
    response = client.get(SEARCH, {"q": "cooperation", "platform": "cities", "sdg": "17"})
    chips = re.findall(r'<ul class="chips".*?</ul>', response.text, re.S)[0]
    assert 'href="/partnerships/?q=cooperation&amp;sdg=17"' in chips  # removes the platform only
    assert 'href="/partnerships/?q=cooperation&amp;platform=cities"' in chips
    assert 'href="/partnerships/?platform=cities&amp;sdg=17"' in chips  # removes the search text
    assert "Clear all" in chips


def test_sort_orders_and_pagination_keep_the_query(client):
    for index in range(25):
        PartnershipFactory(title=f"Cooperation number {index:02d}")
    first = client.get(SEARCH, {"ordering": "title"})
    assert _titles(first)[0] == "Cooperation number 00"
    assert "Page 1 of 2" in first.text
    assert 'href="?ordering=title&amp;page=2"' in first.text
    second = client.get(SEARCH, {"ordering": "title", "page": "2"})
    assert _titles(second) == [
        "Cooperation number 20",
        "Cooperation number 21",
        "Cooperation number 22",
        "Cooperation number 23",
        "Cooperation number 24",
    ]
    assert "25 results" in second.text


def test_relevance_is_offered_only_with_search_text(client, seed):
    assert '<option value="" selected>Relevance</option>' in client.get(SEARCH, {"q": "kigali"}).text
    assert "Relevance" not in client.get(SEARCH).text


def test_no_results_offer_the_typo_suggestion(client, seed):
    response = client.get(SEARCH, {"q": "economi verde zzzq"})
    assert response.status_code == 200
    typo = client.get(SEARCH, {"q": "Kigli"})
    assert "Did you mean" in typo.text
    assert 'href="?q=kigali"' in typo.text


def test_links_to_the_csv_export_and_the_api_carry_the_same_query(client, seed):
    text = client.get(SEARCH, {"q": "green", "platform": "cities", "page": "1"}).text
    assert 'href="/api/v1/partnerships/export.csv?q=green&amp;platform=cities"' in text
    assert 'href="/api/v1/partnerships/?q=green&amp;platform=cities"' in text


def test_unreadable_filters_answer_400_with_the_reason(client):
    response = client.get(SEARCH, {"sdg": "18"})
    assert response.status_code == 400
    assert "<code>sdg</code>" in response.text


def test_drafts_stay_out_of_results_and_facet_counts(client):
    cities = Platform.objects.get(slug="cities")
    visible = PartnershipFactory(title="Visible work")
    visible.platforms.add(cities)
    draft = PartnershipFactory(title="Secret draft work", draft=True)
    draft.platforms.add(cities)
    Participation.objects.create(
        partnership=visible, partner=PartnerFactory(name="Hidden Draft Partner", draft=True, country_id="NO")
    )
    response = client.get(SEARCH, {"q": "work"})
    assert "Secret draft work" not in response.text and "Hidden Draft Partner" not in response.text
    assert re.search(r"Cities <span class=\"count\">\(1\)</span>", response.text)
    assert 'value="NO"' not in response.text  # the draft partner's country counts nothing


def test_search_page_queries_stay_constant_as_results_grow(client, django_assert_max_num_queries):
    cities = Platform.objects.get(slug="cities")
    partner = PartnerFactory()

    def add(count: int) -> None:
        for _ in range(count):
            partnership = PartnershipFactory()
            partnership.platforms.add(cities)
            partnership.sdgs.add(4, 17)
            partnership.countries.add("RW", "KE")
            Participation.objects.create(partnership=partnership, partner=partner)

    add(3)
    with django_assert_max_num_queries(16):
        client.get(SEARCH, {"platform": "cities"})
    add(30)
    with django_assert_max_num_queries(16):
        assert client.get(SEARCH, {"platform": "cities"}).status_code == 200


def test_partnership_page_shows_participants_sdgs_countries_and_related_records(client, seed):
    text = client.get(reverse("partnerships:partnership-detail", args=[WGEO])).text
    assert "Beneficiary partner" in text and "Facilitating partner" in text
    assert "SDG 17" in text and "17.17" in text
    assert "19 February 2018" in text
    rwanda = client.get(
        reverse("partnerships:partnership-detail", args=["rwanda-cooperation-rome-based-agencies"])
    ).text
    assert 'aria-labelledby="country-map-title" aria-describedby="country-map-desc"' in rwanda
    assert '<desc id="country-map-desc">Rwanda: covered</desc>' in rwanda
    assert "Rome-Based Agencies Celebration of UN Day" in rwanda  # its event


def test_partner_list_filters_by_type_country_region_and_global_south(client, seed):
    def slugs(**query) -> set[str]:
        return set(re.findall(r'<h2><a href="/partners/([^/]+)/"', client.get("/partners/", query).text))

    assert slugs(type="90") == {"wgeo"}
    assert slugs(country="NO") == {"norec", "norwegian-ministry-of-foreign-affairs"}
    assert slugs(region="002") == {"rwanda-cooperation"}
    assert "norec" not in slugs(global_south="true") and "rwanda-cooperation" in slugs(global_south="true")
    assert slugs(q="norec") == {"norec"}


def test_partner_profile_lists_its_records_charts_and_calendar(client, seed):
    text = client.get(reverse("partnerships:partner-detail", args=["unossc"])).text
    assert "UNOSSC and World Green Economy Organization partnership" in text
    assert 'href="/partners/unossc/events.ics"' in text
    assert "Partnerships by SDG" in text
    assert 'href="/partnerships/?partner=unossc&amp;sdg=17"' in text


def test_merged_partner_addresses_redirect_permanently(client):
    survivor = PartnerFactory(slug="survivor")
    PartnerRedirect.objects.create(old_slug="old-name", partner=survivor)
    response = client.get("/partners/old-name/")
    assert response.status_code == 301 and response["Location"] == "/partners/survivor/"
    assert client.get("/fr/partners/old-name/")["Location"] == "/fr/partners/survivor/"


def test_draft_partner_pages_answer_404(client):
    assert (
        client.get(reverse("partnerships:partner-detail", args=[PartnerFactory(draft=True).slug])).status_code
        == 404
    )
    assert Partner.objects.count() == 1


def test_partner_page_queries_stay_constant(client, django_assert_max_num_queries):
    partner = PartnerFactory(slug="busy-partner")
    cities = Platform.objects.get(slug="cities")

    def add(count: int) -> None:
        for _ in range(count):
            partnership = PartnershipFactory()
            partnership.platforms.add(cities)
            partnership.sdgs.add(17)
            partnership.countries.add("RW")
            Participation.objects.create(partnership=partnership, partner=partner)

    add(3)
    with django_assert_max_num_queries(26):
        client.get("/partners/busy-partner/")
    add(30)
    with django_assert_max_num_queries(26):
        assert client.get("/partners/busy-partner/").status_code == 200
