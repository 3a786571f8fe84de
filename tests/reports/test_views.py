"""The publications library and the publication page."""

from __future__ import annotations

import re

import pytest

from reports.models import LanguageVersion, Publication, PublicationOrganisation
from sscregistry.seed import load_seed_data
from tests.factories import PartnerFactory, PublicationFactory

pytestmark = pytest.mark.django_db

UNECE_2007 = "unece-technical-cooperation-strategy-2007"


@pytest.fixture
def seed():
    load_seed_data()


def _slugs(response) -> set[str]:
    return set(re.findall(r'<h2><a href="/publications/([^/]+)/"', response.text))


def test_library_filters_by_type_language_year_partner_and_series(client, seed):
    assert _slugs(client.get("/publications/", {"type": "strategy"})) == {
        UNECE_2007,
        "unece-technical-cooperation-strategy-2004",
    }
    assert _slugs(client.get("/publications/", {"language": "ru"})) == {UNECE_2007}
    assert _slugs(client.get("/publications/", {"language": "nn"})) == {
        "lanserer-spesialrapport-om-norec-pa-bapa40"
    }
    assert _slugs(client.get("/publications/", {"year": "2007"})) == {UNECE_2007}
    assert UNECE_2007 in _slugs(client.get("/publications/", {"partner": "unece"}))
    series = Publication.objects.get(slug="south-south-and-triangular-cooperation-in-action-norec").series
    assert _slugs(client.get("/publications/", {"series": series.slug})) == {
        "south-south-and-triangular-cooperation-in-action-norec"
    }
    text = client.get("/publications/").text
    for title in ("Type", "Language", "Year", "Organisation", "Series"):
        assert f"<legend>{title}</legend>" in text


def test_library_marks_titles_in_their_own_language(client, seed):
    text = client.get("/publications/", {"language": "nn"}).text
    assert 'lang="nn">FNs organisasjon for sør-sør-samarbeid' in text


def test_publication_page_lists_language_versions_with_lang_and_hreflang(client):
    publication = PublicationFactory(title="Strategy")
    LanguageVersion.objects.create(
        publication=publication,
        language_id="en",
        title="Strategy",
        url="https://example.org/en.pdf",
        is_original=True,
    )
    LanguageVersion.objects.create(
        publication=publication, language_id="ru", title="Стратегия", url="https://example.org/ru.pdf"
    )
    url = publication.get_absolute_url()
    text = client.get(url).text
    assert '<a href="https://example.org/ru.pdf" hreflang="ru" lang="ru">Стратегия</a>' in text
    assert '<link rel="alternate" hreflang="ru" href="https://example.org/ru.pdf"' in text
    assert "Russian" in text and "original" in text
    assert '<h1 lang="en">Strategy</h1>' in text
    french = client.get("/fr" + url).text
    assert 'lang="ru">Стратегия' in french and "(Russe)" in french


def test_publication_page_shows_relations_launch_event_and_organisations(client, seed):
    text = client.get("/publications/norec-report-launched-at-bapa40/").text
    assert "Translated as" in text or "Translation of" in text
    assert "Norwegian Agency for Exchange Cooperation" in text
    launched = client.get("/publications/south-south-and-triangular-cooperation-in-action-norec/").text
    assert 'href="/events/' in launched and "Launched at" in launched


def test_draft_organisations_are_not_named(client):
    publication = PublicationFactory()
    PublicationOrganisation.objects.create(
        publication=publication, partner=PartnerFactory(name="Draft Publisher", draft=True), role="publisher"
    )
    assert "Draft Publisher" not in client.get(publication.get_absolute_url()).text
    assert "Draft Publisher" not in client.get("/publications/").text


def test_library_queries_stay_constant(client, django_assert_max_num_queries):
    publisher = PartnerFactory()

    def add(count: int) -> None:
        for _ in range(count):
            publication = PublicationFactory()
            LanguageVersion.objects.create(publication=publication, language_id="en", title="t")
            PublicationOrganisation.objects.create(
                publication=publication, partner=publisher, role="publisher"
            )

    add(3)
    with django_assert_max_num_queries(12):
        client.get("/publications/")
    add(30)
    with django_assert_max_num_queries(12):
        assert client.get("/publications/").status_code == 200
