"""Atom and RSS feeds of newly published records, read back with feedparser."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from sscregistry.seed import load_seed_data
from tests.factories import EventFactory, PartnershipFactory, PublicationFactory
from vocabularies.models import Platform

pytestmark = pytest.mark.django_db

FEEDS = [
    ("partnerships:partnership-feed", PartnershipFactory, "atom10"),
    ("partnerships:partnership-feed-rss", PartnershipFactory, "rss20"),
    ("events:event-feed", EventFactory, "atom10"),
    ("events:event-feed-rss", EventFactory, "rss20"),
    ("reports:publication-feed", PublicationFactory, "atom10"),
    ("reports:publication-feed-rss", PublicationFactory, "rss20"),
]


def _parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200
    feed = feedparser.parse(response.content, response_headers={"content-type": response["Content-Type"]})
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize(("name", "factory", "version"), FEEDS, ids=[f[0] for f in FEEDS])
def test_feeds_parse_cleanly_newest_first_without_drafts(client, name, factory, version):
    now = timezone.now()
    factory(title="Older & wiser <b>", published_at=now - datetime.timedelta(days=2))
    factory(title="Newest", published_at=now)
    factory(title="Secret draft", draft=True)
    feed = _parse(client.get(reverse(name)))
    assert feed.version == version
    assert [entry.title for entry in feed.entries] == ["Newest", "Older & wiser <b>"]
    first = feed.entries[0]
    assert first.link.startswith("http://testserver/")
    assert first.id.startswith("urn:uuid:")
    assert first.published_parsed is not None


def test_an_entry_id_stays_when_the_record_is_renamed(client):
    partnership = PartnershipFactory()
    before = _parse(client.get(reverse("partnerships:partnership-feed"))).entries[0].id
    partnership.title, partnership.slug = "Renamed", "renamed"
    partnership.save()
    after = _parse(client.get(reverse("partnerships:partnership-feed"))).entries[0]
    assert after.title == "Renamed"
    assert after.id == before


def test_the_partnership_feed_follows_the_search_filters(client):
    load_seed_data()
    url = reverse("partnerships:partnership-feed")
    platform = Platform.objects.get(slug="cities")
    assert {e.title for e in _parse(client.get(url, {"platform": platform.slug})).entries} == {
        "UNOSSC and World Green Economy Organization partnership for the green economy"
    }
    assert {e.title for e in _parse(client.get(url, {"country": "RW"})).entries} == {
        "Rwanda Cooperation and the Rome-based agencies on South-South cooperation"
    }
    assert len(_parse(client.get(url, {"sdg": "17", "modality": "triangular"})).entries) == 3
    assert {e.title for e in _parse(client.get(url, {"q": "norec"})).entries} == {
        "Norec South-South exchanges and triangular cooperation"
    }
    assert _parse(client.get(url, {"sdg": "1"})).entries == []
    searched = _parse(client.get(url, {"q": "norec"}))
    assert searched.feed.link == "http://testserver/partnerships/?q=norec"


@pytest.mark.parametrize("query", [{"sdg": "18"}, {"sdg": "x"}, {"country": "RWA"}, {"platform": "a b"}])
def test_a_bad_search_filter_answers_400(client, query):
    assert client.get(reverse("partnerships:partnership-feed"), query).status_code == 400


def test_the_event_feed_names_a_cancellation(client):
    EventFactory(title="Summit", event_status="cancelled")
    (entry,) = _parse(client.get(reverse("events:event-feed"))).entries
    assert entry.title == "Summit (Cancelled)"


def test_every_page_announces_the_feeds(client):
    response = client.get(reverse("home"))
    assert 'type="application/atom+xml"' in response.text
    assert f'href="{reverse("partnerships:partnership-feed")}"' in response.text


@pytest.mark.parametrize("name", [f[0] for f in FEEDS])
def test_feeds_take_a_fixed_number_of_queries(client, django_assert_max_num_queries, name):
    for _ in range(20):
        PartnershipFactory().sdgs.set([17])
        EventFactory(country_id="RW")
        PublicationFactory()
    with django_assert_max_num_queries(5):
        assert len(_parse(client.get(reverse(name))).entries) == 20
