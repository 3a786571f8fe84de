"""Public pages for anonymous visitors are kept until the registry's next write, and only those."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages_kept(settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):  # a recorded write, as in production
        PartnershipFactory(title="Kept exchange")
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _kept() -> int:
    return sum(1 for key in cache._cache if ":page:" in key)


def test_a_public_page_is_served_again_from_the_cache(client, pages_kept, django_assert_num_queries):
    first = client.get("/partnerships/")
    assert _kept() == 1
    with django_assert_num_queries(1):  # the registry's last write, to name the page
        again = client.get("/partnerships/")
    assert again.status_code == 200 and again.content == first.content
    for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert again[header] == first[header], header
    assert again["X-Request-ID"] != first["X-Request-ID"]
    assert client.get("/fr/partnerships/").content != first.content  # each language its own copy


def test_a_publish_is_seen_at_once(client, pages_kept):
    draft = PartnershipFactory(title="Later exchange", draft=True)
    assert "Later exchange" not in client.get("/partnerships/").content.decode()
    with pages_kept():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert "Later exchange" in client.get("/partnerships/").content.decode()


def test_pages_that_differ_per_visitor_are_never_kept(client, pages_kept, curator):
    assert client.get("/propose/partnership/").status_code == 200  # carries a CSRF token
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/partnerships/").status_code == 200  # the API has its own cache
    assert client.get("/partnerships/does-not-exist/").status_code == 404
    assert _kept() == 0
    client.force_login(curator)  # a session: the header shows who is signed in
    client.get("/partnerships/")
    assert _kept() == 0


def test_a_database_outage_is_left_to_the_view_and_zero_turns_it_off(
    client, settings, pages_kept, monkeypatch
):
    def unavailable():
        raise OperationalError("the database is restarting")

    monkeypatch.setattr("sscregistry.middleware.last_change", unavailable)
    assert client.get("/partnerships/").status_code == 200  # the view's own queries still work here
    assert _kept() == 0
    monkeypatch.undo()
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/partnerships/")
    assert _kept() == 0
