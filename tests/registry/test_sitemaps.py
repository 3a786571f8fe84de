"""sitemap.xml and robots.txt for search engines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from sscregistry.seed import load_seed_data
from tests.factories import EventFactory, PartnerFactory, PartnershipFactory, PublicationFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _sitemap(client) -> dict[str, str | None]:
    """Every address in every sitemap the index lists, with its lastmod."""
    index = client.get(reverse("sitemap"))
    assert index.status_code == 200
    urls: dict[str, str | None] = {}
    for location in ET.fromstring(index.content).iterfind("sm:sitemap/sm:loc", NS):
        response = client.get(location.text.removeprefix("http://testserver"))
        assert response.status_code == 200
        for url in ET.fromstring(response.content).iterfind("sm:url", NS):
            urls[url.findtext("sm:loc", namespaces=NS)] = url.findtext("sm:lastmod", namespaces=NS)
    return urls


@pytest.mark.parametrize(
    "factory",
    [PartnerFactory, PartnershipFactory, EventFactory, PublicationFactory],
    ids=lambda f: f.__name__,
)
def test_sitemap_lists_published_records_with_lastmod_and_no_drafts(client, factory):
    published = factory()
    draft = factory(draft=True)
    urls = _sitemap(client)
    assert urls[f"http://testserver{published.get_absolute_url()}"] == published.updated_at.date().isoformat()
    assert f"http://testserver{draft.get_absolute_url()}" not in urls


def test_sitemap_lists_the_list_pages_and_open_data(client):
    urls = _sitemap(client)
    for name in ("home", "partnerships:partnership-list", "events:event-list", "open-data"):
        assert f"http://testserver{reverse(name)}" in urls


def test_robots_points_at_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_crawlers_and_link_checkers_may_use_head(client):
    load_seed_data()
    for name in ("robots-txt", "sitemap", "events-ics", "open-data", "iati-activities", "iati-organisations"):
        assert client.head(reverse(name)).status_code == 200, name


def test_the_sitemap_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for factory in (PartnerFactory, PartnershipFactory, EventFactory, PublicationFactory):
        factory.create_batch(10)
    with django_assert_max_num_queries(20):
        assert len(_sitemap(client)) == 40 + 6


def test_the_index_names_one_sitemap_per_section_with_its_latest_change(client):
    partner = PartnerFactory()
    root = ET.fromstring(client.get(reverse("sitemap")).content)
    entries = {
        s.findtext("sm:loc", namespaces=NS): s.findtext("sm:lastmod", namespaces=NS)
        for s in root.iterfind("sm:sitemap", NS)
    }
    assert set(entries) == {
        f"http://testserver/sitemap-{section}.xml"
        for section in ("pages", "partners", "partnerships", "events", "publications")
    }
    assert entries["http://testserver/sitemap-partners.xml"].startswith(partner.updated_at.date().isoformat())
