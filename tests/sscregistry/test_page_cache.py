"""Public pages for anonymous visitors are cached until the registry's next write, and only those."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages_cached(settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):  # a recorded write, as in production
        PartnershipFactory(title="Kept exchange")
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _cached() -> int:
    return sum(1 for key in cache._cache if ":page:" in key)


def test_a_public_page_is_served_again_from_the_cache(client, pages_cached, django_assert_num_queries):
    first = client.get("/partnerships/")
    assert _cached() == 1
    with django_assert_num_queries(1):  # the registry's last write, to name the page
        again = client.get("/partnerships/")
    assert again.status_code == 200 and again.content == first.content
    for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "Content-Language"):
        assert again[header] == first[header], header
    assert again["X-Request-ID"] != first["X-Request-ID"]
    assert client.get("/fr/partnerships/").content != first.content  # each language its own copy


def test_a_publish_is_seen_at_once(client, pages_cached):
    draft = PartnershipFactory(title="Later exchange", draft=True)
    assert "Later exchange" not in client.get("/partnerships/").content.decode()
    with pages_cached():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert "Later exchange" in client.get("/partnerships/").content.decode()


def test_pages_that_differ_per_visitor_are_never_cached(client, pages_cached, curator):
    assert client.get("/propose/partnership/").status_code == 200  # carries a CSRF token
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/partnerships/").status_code == 200  # the API has its own cache
    assert client.get("/partnerships/does-not-exist/").status_code == 404
    assert _cached() == 0
    client.force_login(curator)  # a session: the header shows who is signed in
    client.get("/partnerships/")
    assert _cached() == 0


def test_a_database_outage_is_left_to_the_view_and_zero_turns_it_off(
    client, settings, pages_cached, monkeypatch
):
    def unavailable():
        raise OperationalError("the database is restarting")

    monkeypatch.setattr("sscregistry.middleware.last_change", unavailable)
    assert client.get("/partnerships/").status_code == 200  # the view's own queries still work here
    assert _cached() == 0
    monkeypatch.undo()
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/partnerships/")
    assert _cached() == 0


def test_junk_query_parameters_make_no_new_entries(client, pages_cached):
    # Each would have been a whole page in the cache (about 98 KB for a search page).
    for n in range(50):
        assert client.get(f"/partnerships/?junk{n}=1").status_code == 200
        tracked = client.get("/partnerships/", {"utm_source": f"campaign-{n}", "q": "exchange"})
        assert tracked.status_code == 200
        assert client.get(f"/partnerships/kept-exchange/?v={n}").status_code in (200, 404)
    assert _cached() == 0
    for n in range(50):
        client.get("/partnerships/?" + "&" * n)  # no parameter at all: the page without a query
    assert _cached() == 1


def test_pages_are_cached_under_the_parameters_they_read(client, pages_cached):
    first = client.get("/partnerships/", {"q": "exchange", "sdg": "17", "page": "1"})
    assert first.status_code == 200 and _cached() == 1
    # The same query written differently is the same page.
    assert client.get("/partnerships/?q=%65xchange&sdg=17&page=1&").content == first.content
    assert _cached() == 1
    client.get("/partnerships/", {"q": "exchange", "sdg": "17", "page": "1", "ordering": "title"})
    client.get("/events/", {"type": "meeting", "starts_after": "2024-01-01"})
    client.get("/partners/", {"global_south": "true"})
    assert _cached() == 4


def test_a_views_parameters_come_from_its_filterset():
    import django_filters
    from django.urls import resolve

    from partnerships.filters import PartnershipFilter
    from partnerships.models import Partnership
    from sscregistry.middleware import filterset_parameters, read_parameters

    partnership_list = resolve("/partnerships/").func
    assert read_parameters(partnership_list) == set(PartnershipFilter.base_filters) | {"page"}
    assert {"q", "sdg", "ordering", "page"} <= read_parameters(partnership_list)
    assert read_parameters(resolve("/partnerships/kept-exchange/").func) == set()
    assert read_parameters(resolve("/sitemap-partnerships.xml").func) == {"p"}

    class RangeFilter(django_filters.FilterSet):
        started = django_filters.DateFromToRangeFilter(field_name="start_date")
        size = django_filters.NumericRangeFilter(field_name="id")

        class Meta:
            model = Partnership
            fields = ["title"]

    assert filterset_parameters(RangeFilter) == {
        "title",
        "started_after",
        "started_before",
        "size_min",
        "size_max",
    }
