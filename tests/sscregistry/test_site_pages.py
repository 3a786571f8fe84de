"""Home, About the API, languages and error pages of the public site."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from partnerships.models import Participation
from sscregistry.seed import load_seed_data
from tests.factories import EventFactory, PartnerFactory, PartnershipFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    load_seed_data()


def test_home_has_search_counts_latest_records_and_charts(client, seed):
    text = client.get("/").text
    assert 'action="/search/"' in text and 'name="q"' in text
    assert re.search(r"Partnerships</a></dt><dd>3</dd>", text)
    assert "By Sustainable Development Goal" in text and "By platform" in text and "By region" in text
    assert 'href="/partnerships/?sdg=17"' in text and 'href="/partnerships/?platform=cities"' in text
    assert 'href="/partnerships/?region=002"' in text  # Africa, through Rwanda
    assert 'aria-labelledby="home-map-title" aria-describedby="home-map-desc"' in text
    assert 'href="/partnerships/?country=RW"' in text  # the map links countries to the search
    # The proposal forms stay one click away.
    assert 'href="/propose/partnership/"' in text and 'href="/propose/event/"' in text


def test_drafts_never_reach_counts_charts_or_the_map(client):
    PartnershipFactory(title="Public one")
    draft = PartnershipFactory(title="Draft one", draft=True)
    draft.countries.add("KE")
    draft.sdgs.add(4)
    Participation.objects.create(partnership=draft, partner=PartnerFactory(country_id="BR"))
    EventFactory(title="Draft event", draft=True)
    PublicationFactory(title="Draft publication", draft=True)
    text = client.get("/").text
    assert re.search(r"Partnerships</a></dt><dd>1</dd>", text)
    assert "Draft" not in text
    assert "?country=KE" not in text and "?country=BR" not in text and "?sdg=4" not in text


def test_home_queries_do_not_grow_with_records(client, django_assert_max_num_queries):
    def add(count: int) -> None:
        for _ in range(count):
            partnership = PartnershipFactory()
            partnership.sdgs.add(1, 2)
            partnership.countries.add("RW")

    add(3)
    with django_assert_max_num_queries(22):
        client.get("/")
    add(30)
    with django_assert_max_num_queries(22):
        assert client.get("/").status_code == 200


def test_about_the_api_links_to_live_examples(client, seed):
    text = client.get("/about/api/").text
    assert 'href="/api/v1/partnerships/?q=green+economy"' in text
    assert 'href="/api/v1/partnerships/export.csv?platform=cities"' in text
    assert client.get("/api/v1/partnerships/?q=green+economy").status_code == 200


@pytest.mark.parametrize(
    ("path", "lang", "nav"),
    [("/", "en", "Partnerships"), ("/fr/", "fr", "Partenariats"), ("/es/", "es", "Alianzas")],
)
def test_interface_languages_have_their_own_addresses(client, seed, path, lang, nav):
    text = client.get(path).text
    assert f'<html lang="{lang}">' in text
    assert f">{nav}</a>" in text
    # The switcher and the alternate links name every language's address of this page.
    assert '<link rel="alternate" hreflang="fr" href="http://testserver/fr/">' in text
    assert '<a href="/es/" hreflang="es" lang="es"' in text


@pytest.mark.parametrize(
    ("path", "heading", "title"),
    [
        ("/fr/partnerships/", "Partenariats", "Partenariats"),
        ("/es/partnerships/", "Alianzas", "Alianzas"),
        ("/partners/", "Partners", "Partners"),
        ("/es/publications/", "Publicaciones", "Publicaciones"),
        ("/fr/events/", "Événements", "Événements à venir"),  # the events' title says which ones
    ],
)
def test_a_list_page_names_itself_in_its_heading_and_title_in_the_visitors_language(
    client, path, heading, title
):
    text = client.get(path).text
    assert f"<h1>{heading}</h1>" in text
    assert f"<title>{title} · " in text


@pytest.mark.parametrize("path", ["/fr/partnerships/", "/partners/", "/es/publications/"])
def test_a_searched_list_page_starts_its_title_with_the_search(client, path):
    heading = client.get(path).text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert f"<title>green · {heading} · " in client.get(f"{path}?q=green").text


def test_language_prefixes_reach_every_public_page_but_not_machine_addresses(client, seed):
    for path in (
        "/fr/partnerships/",
        "/es/partners/unossc/",
        "/fr/events/past/",
        "/es/publications/",
        "/fr/about/api/",
        "/es/data/",
    ):
        assert client.get(path).status_code == 200, path
    for path in ("/fr/healthz", "/fr/events.ics", "/fr/data/latest.zip", "/fr/api/v1/"):
        assert client.get(path).status_code == 404, path
    # Feed links stay on their one address whatever the interface language.
    assert 'href="/partnerships/feed/"' in client.get("/fr/").text


def test_the_switcher_keeps_the_query(client, seed):
    text = client.get("/partnerships/", {"q": "kigali", "sdg": "17"}).text
    assert 'href="/fr/partnerships/?q=kigali&amp;sdg=17"' in text


def test_french_pages_translate_vocabulary_dates_and_time_zones_but_not_records(client, seed):
    text = client.get("/fr/events/un-day-for-south-south-cooperation-2023-kigali/").text
    assert "12 septembre 2023, 09:00–13:00 heure de Kigali (UTC+2)" in text
    assert "Hybride" in text and "Journée internationale" in text
    assert '<h1 lang="en">Rome-Based Agencies Celebration' in text
    partnership = client.get("/fr/partnerships/unossc-wgeo-green-economy/").text
    assert "Partenaire bénéficiaire" in partnership and "19 février 2018" in partnership
    spanish = client.get("/es/partnerships/", {"country": "AE"}).text
    assert "Emiratos Árabes Unidos" in spanish and "Alianzas para lograr los objetivos" in spanish


def test_the_404_page_is_in_the_sites_style(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert 'class="error-page"' in response.text and "We could not find that page" in response.text
    french = client.get("/fr/no-such-page/")
    assert "Nous n’avons pas trouvé cette page" in french.text


@override_settings(DEBUG=False)
def test_the_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html and "css/site.css" in html


@pytest.mark.parametrize(
    ("language", "count", "text"),
    [
        ("en", 44974, "44,974 results"),
        ("fr", 44974, "44\xa0974 résultats"),
        ("es", 44974, "44\xa0974 resultados"),  # Django's Spanish formats group with a space too
        ("en", 1, "1 result"),
    ],
)
def test_result_counts_have_the_languages_thousands_separator(language, count, text):
    from django.utils import translation  # noqa: PLC0415

    with translation.override(language):
        html = render_to_string("search/_results_header.html", {"count": count, "errors": {}})
    assert text in html
