"""Capped counts: lists count up to API_COUNT_CAP, say when they stopped, and still page to the end."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from partnerships.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/partnerships/"


def walk(api: Any, **params: Any) -> list[str]:
    """Every slug, following `next` from the first page."""
    slugs, body = [], api.get(URL, {**params, "page_size": 2}).json()
    while True:
        slugs += [record["slug"] for record in body["results"]]
        if body["next"] is None:
            return slugs
        body = api.get(body["next"]).json()


@pytest.fixture
def twelve(db) -> list[str]:
    PartnershipFactory.create_batch(12)
    return list(Partnership.objects.published().values_list("slug", flat=True))


def test_beyond_the_cap_the_count_is_the_cap_and_says_so(api, settings, twelve):
    settings.API_COUNT_CAP = 5
    body = api.get(URL, {"page_size": 2}).json()
    assert list(body)[:2] == ["count", "count_is_estimate"]
    assert body["count"] == 5 and body["count_is_estimate"] is True
    assert body["next"].endswith("page=2&page_size=2")
    # Pages past the cap still answer, and the last one says there is nothing after it.
    assert walk(api) == twelve
    past_the_cap = api.get(URL, {"page_size": 2, "page": 4}).json()
    assert [r["slug"] for r in past_the_cap["results"]] == twelve[6:8]
    assert past_the_cap["previous"].endswith("page=3&page_size=2")
    last = api.get(URL, {"page_size": 2, "page": 6}).json()
    assert last["next"] is None and len(last["results"]) == 2
    assert api.get(URL, {"page_size": 2, "page": 7}).status_code == 404
    assert api.get(URL, {"page_size": 2, "page": 0}).status_code == 404
    assert api.get(URL, {"page_size": 2, "page": "x"}).status_code == 404


def test_at_or_under_the_cap_the_count_is_exact(api, settings, twelve):
    settings.API_COUNT_CAP = 12
    body = api.get(URL, {"page_size": 5}).json()
    assert body["count"] == 12 and body["count_is_estimate"] is False
    assert api.get(URL, {"page_size": 5, "page": 4}).status_code == 404
    assert walk(api) == twelve
    settings.API_COUNT_CAP = 0  # no cap
    body = api.get(URL).json()
    assert body["count"] == 12 and body["count_is_estimate"] is False


def test_filters_and_search_count_under_the_cap(api, settings, twelve):
    settings.API_COUNT_CAP = 3
    PartnershipFactory(slug="mangroves", title="Mangroves")
    body = api.get(URL, {"q": "mangroves"}).json()
    assert body["count"] == 1 and body["count_is_estimate"] is False
    assert body["search"]["mode"] == "fulltext"
    assert api.get(URL, {"q": "partnership"}).json()["count_is_estimate"] is True


def test_every_paginated_list_carries_the_flag(api, settings):
    settings.API_COUNT_CAP = 10
    body = api.get("/api/v1/countries/").json()
    assert body["count"] == 10 and body["count_is_estimate"] is True
    settings.API_COUNT_CAP = 17
    assert api.get("/api/v1/sdgs/").json()["count_is_estimate"] is False  # exactly 17 goals


def test_capped_lists_keep_a_constant_query_count(api, settings, twelve, django_assert_max_num_queries):
    settings.API_COUNT_CAP = 3
    for size in (1, 2, 5):
        with django_assert_max_num_queries(13):
            assert api.get(URL, {"page_size": size, "page": 2}).status_code == 200


def test_the_schema_describes_the_flag():
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    paginated = schema["components"]["schemas"]["PaginatedPartnershipList"]
    assert list(paginated["properties"])[:2] == ["count", "count_is_estimate"]
    assert paginated["properties"]["count_is_estimate"]["type"] == "boolean"
    assert "count_is_estimate" in paginated["required"]


def test_only_requests_naming_a_filter_build_the_filterset(api, monkeypatch, twelve):
    from partnerships.filters import PartnershipFilter

    built = []
    original = PartnershipFilter.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(PartnershipFilter, "__init__", counting)
    for params in ({}, {"page": 2, "page_size": 5}, {"format": "json"}):
        assert api.get(URL, params).json()["count"] == 12
    assert api.get(f"{URL}{twelve[0]}/").status_code == 200
    assert built == []
    assert api.get(URL, {"ordering": "title"}).json()["count"] == 12
    assert api.get(URL, {"sdg": "18"}).status_code == 400
    assert api.get(f"{URL}{twelve[0]}/", {"sdg": "1"}).status_code == 404
    assert len(built) == 3


@pytest.mark.parametrize("cap", [0, 5])
def test_deep_pages_read_their_ids_first_and_answer_the_same(api, settings, monkeypatch, twelve, cap):
    """Past DEEP_OFFSET a page reads its ids, then their rows: the same answers in the same order."""
    settings.API_COUNT_CAP = cap
    PartnershipFactory(slug="mangroves-a", title="Mangroves of the delta")
    PartnershipFactory(slug="mangroves-b", title="Mangroves and mangroves")
    requests = [
        {"page_size": 3, "page": page, **extra}
        for page in (1, 2, 4, 5)
        for extra in ({}, {"ordering": "title"}, {"ordering": "-updated_at"})
    ] + [{"q": "mangroves", "page_size": 1, "page": 2}, {"page_size": 100}]
    plain = [api.get(URL, params).json() for params in requests]
    monkeypatch.setattr("registry.pagination.DEEP_OFFSET", 0)
    assert [api.get(URL, params).json() for params in requests] == plain
    assert [row["slug"] for row in plain[-1]["results"]][:12] != []
    assert api.get(URL, {"page_size": 3, "page": 6}).status_code == 404


def test_counts_are_cached_until_the_next_write(api, twelve, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):  # a committed write: the registry notes it
        draft = PartnershipFactory(draft=True)
    assert api.get(URL).json()["count"] == 12
    with CaptureQueriesContext(connection) as queries:
        assert api.get(URL).json()["count"] == 12
    assert not [query for query in queries.captured_queries if '"__count"' in query["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert api.get(URL).json()["count"] == 13
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = "draft"
        draft.save()
    assert api.get(URL).json()["count"] == 12  # an unpublished record is not counted a moment longer


def test_the_search_page_caches_its_count_and_pages_deep_alike(
    client, twelve, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        draft = PartnershipFactory(draft=True)
    assert client.get("/partnerships/").context["count"] == 12
    with CaptureQueriesContext(connection) as queries:
        shallow = [
            [record.slug for record in client.get("/partnerships/", {"page": page}).context["records"]]
            for page in (1, 2)
        ]
    # Neither the list's count nor the facet counts are read again for another page.
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"]]
    monkeypatch.setattr("registry.pagination.DEEP_OFFSET", 0)
    deep = [
        [record.slug for record in client.get("/partnerships/", {"page": page}).context["records"]]
        for page in (1, 2)
    ]
    assert deep == shallow and shallow[0] == twelve  # 50 a page: page 2 is the last, the first
    with django_capture_on_commit_callbacks(execute=True):
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert client.get("/partnerships/").context["count"] == 13


def test_a_cached_ranking_needs_the_values_it_ranks_by_in_its_where_clause(twelve):
    """The ranking's key names its order by text (`-search_rank`): the query it ranks by must
    also filter the records, or two rankings would share one key."""
    from django.contrib.postgres.search import SearchQuery, SearchRank
    from django.db.models import F

    from registry.pagination import RegistryPaginator
    from registry.search import SEARCH_CONFIG, order_by_relevance, search

    found, _ = search(Partnership.objects.published(), "exchange", mode="fulltext")
    ranked = order_by_relevance(found)
    assert RegistryPaginator(ranked, 20).cached_ranking(ranked) == list(ranked.values_list("pk", flat=True))
    unfiltered = order_by_relevance(
        Partnership.objects.published().annotate(
            search_rank=SearchRank(F("search_vector"), SearchQuery("exchange", config=SEARCH_CONFIG))
        )
    )
    with pytest.raises(AssertionError, match="WHERE clause does not hold"):
        RegistryPaginator(unfiltered, 20).cached_ranking(unfiltered)
