"""Facet counts and chart figures are cached until the registry's next write, and never mix states."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

FACETS = "/api/v1/partnerships/facets/"


def _partnership(sdgs: list[str], countries: list[str] = (), **fields):
    partnership = PartnershipFactory(**fields)
    partnership.sdgs.set(sdgs)
    partnership.countries.set(countries)
    return partnership


def _sdg_counts(response) -> dict[str, int]:
    return {row["value"]: row["count"] for row in response.json()["sdg"]}


@pytest.fixture
def recorded(django_capture_on_commit_callbacks):
    """Run the block as a committed write, so the registry records its time (as in production)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_counts_are_cached_until_the_next_write(api, recorded, django_assert_max_num_queries):
    with recorded():
        _partnership(["4"])
        draft = _partnership(["4"], draft=True)
    first = api.get(FACETS)
    assert _sdg_counts(first) == {4: 1}
    with django_assert_max_num_queries(2):  # the registry's last write (ETag and the cached counts)
        assert api.get(FACETS).json() == first.json()
    with recorded():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert _sdg_counts(api.get(FACETS)) == {4: 2}


def test_each_filter_and_language_has_its_own_counts(api, recorded):
    with recorded():
        _partnership(["4"], ["RW"])
        _partnership(["5"], ["NO"])
    assert _sdg_counts(api.get(FACETS)) == {4: 1, 5: 1}
    assert _sdg_counts(api.get(FACETS, {"country": "RW"})) == {4: 1}
    assert _sdg_counts(api.get(FACETS, {"country": "NO"})) == {5: 1}
    english = api.get("/partnerships/").content.decode()
    french = api.get("/fr/partnerships/").content.decode()
    assert "Quality Education" in english or "Quality education" in english
    assert "Quality Education" not in french and "Quality education" not in french


def test_the_home_page_figures_follow_a_publish(client, recorded, django_assert_max_num_queries):
    with recorded():
        PartnershipFactory(title="Kept exchange")
        draft = PartnershipFactory(title="Later exchange", draft=True)
    first = client.get("/").context["counts"]["partnerships"]
    assert first == 1
    with recorded():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert client.get("/").context["counts"]["partnerships"] == 2


def test_nothing_is_cached_when_turned_off(api, settings, recorded, django_assert_max_num_queries):
    settings.FIGURES_CACHE_SECONDS = 0
    with recorded():
        partnership = _partnership(["4"])
    assert _sdg_counts(api.get(FACETS)) == {4: 1}
    partnership.sdgs.set(["5"])  # no recorded write: only a fresh count can see it
    assert _sdg_counts(api.get(FACETS)) == {5: 1}


def test_a_long_facet_lists_its_largest_values_and_says_how_many_more(client, monkeypatch):
    from reports.views import PublicationListView
    from tests.factories import PartnerFactory, PublicationFactory, PublicationOrganisationFactory

    monkeypatch.setattr(PublicationListView, "facet_more_limit", 2)
    for n in range(12):
        partner = PartnerFactory(name=f"Org {n}")
        PublicationOrganisationFactory(publication=PublicationFactory(), partner=partner)
    page = client.get("/publications/")
    group = next(g for g in page.context["facets"] if g.name == "partner")
    assert len(group.values) == 8 and len(group.more) == 2 and group.hidden == 2
    assert "and 2 others with fewer records" in page.content.decode()
    french = client.get("/fr/publications/").content.decode()
    assert "et 2 autres avec moins de fiches" in french
    # A value chosen past the first eight is shown, checked, among the first values.
    tail = group.more[-1].value
    chosen = client.get("/publications/", {"partner": tail})
    assert chosen.status_code == 200
    group = next(g for g in chosen.context["facets"] if g.name == "partner")
    assert [v.value for v in group.values if v.checked] == [tail]
    assert tail not in [v.value for v in group.more]


def test_a_worker_without_the_figure_takes_it_from_the_shared_cache(recorded):
    """A restarted worker (or another server) finds what another one computed: no recount."""
    from django.core.cache import cache

    from registry.cache import registry_cached

    with recorded():
        _partnership(["4"])
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return 41

    assert registry_cached(("figure",), compute) == 41
    cache.clear()  # this process's memory, as after a restart
    assert registry_cached(("figure",), compute) == 41
    assert calls == [1]


def test_a_figure_being_computed_elsewhere_is_waited_for(recorded, monkeypatch, settings):
    from django.core.cache import caches

    from registry import cache as figures

    shared = caches[settings.SHARED_CACHE]
    with recorded():
        _partnership(["4"])
    shared.add("figure:elsewhere:computing", True, 30)
    waits: list[float] = []

    def other_process_finishes(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            shared.set("figure:elsewhere", 7, 60)

    monkeypatch.setattr(figures.time, "sleep", other_process_finishes)
    assert figures.compute_once("figure:elsewhere", lambda: pytest.fail("computed twice")) == 7
    assert len(waits) == 3


def test_a_failed_computation_elsewhere_is_taken_over(recorded, monkeypatch, settings):
    from django.core.cache import caches

    from registry import cache as figures

    shared = caches[settings.SHARED_CACHE]
    shared.add("figure:failed:computing", True, 30)

    def other_process_fails(seconds: float) -> None:
        shared.delete("figure:failed:computing")

    monkeypatch.setattr(figures.time, "sleep", other_process_fails)
    assert figures.compute_once("figure:failed", lambda: 3) == 3


def test_a_computation_that_raises_releases_its_lock(settings):
    from django.core.cache import caches

    from registry import cache as figures

    def broken() -> int:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        figures.compute_once("figure:broken", broken)
    assert caches[settings.SHARED_CACHE].get("figure:broken:computing") is None
    assert figures.compute_once("figure:broken", lambda: 5) == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_after_a_write_compute_the_facets_once(recorded, monkeypatch):
    """Four workers ask for the same uncounted facets at once: one counts, three wait for it."""
    import threading

    from django.core.cache import cache
    from django.db import connections

    from registry import facets

    with recorded():
        _partnership(["4"])
    counted: list[int] = []
    original = facets.facet_counts

    def slow_count(filterset):
        counted.append(1)
        threading.Event().wait(0.5)  # long enough for the others to find the lock
        return original(filterset)

    monkeypatch.setattr(facets, "facet_counts", slow_count)
    from rest_framework.test import APIClient

    results: list = []

    def worker() -> None:
        try:
            results.append(APIClient().get(FACETS))
        finally:
            connections.close_all()

    cache.clear()
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(counted) == 1
    assert len(results) == 4 and all(_sdg_counts(r) == {4: 1} for r in results)


def test_caching_a_figure_does_not_send_later_reads_to_the_primary():
    from django.core.cache import caches

    from sscregistry.db_router import PrimaryReplicaRouter, _wrote

    caches["shared"].set("figure:probe", 1, 60)
    token = _wrote.set(False)
    try:
        router = PrimaryReplicaRouter(replicas=["replica1"])
        router.db_for_write(caches["shared"].cache_model_class)
        assert router.db_for_read(caches["shared"].cache_model_class) == "replica1"
    finally:
        _wrote.reset(token)


LIST = "/api/v1/partnerships/"


def _search_sql(api, query: str) -> tuple[dict, str]:
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as captured:
        body = api.get(LIST, {"q": query}).json()
    return body, " ".join(query["sql"] for query in captured.captured_queries)


def test_a_repeated_search_sends_only_its_page_queries(api, recorded):
    with recorded():
        PartnershipFactory(title="Geothermal heating exchange")
        PartnershipFactory(title="Hydroponics exchange")
    first, first_sql = _search_sql(api, "geotermal")
    assert first["search"] == {
        "query": "geotermal",
        "mode": "fuzzy",
        "suggestion": "geothermal",
        "modes": ["fuzzy"],
    }
    assert "registry_searchword" in first_sql  # the vocabulary was asked for a spelling
    again, again_sql = _search_sql(api, "geotermal")
    assert again == first
    assert "registry_searchword" not in again_sql
    assert 'SELECT 1 AS "a"' not in again_sql  # no existence check either
    _search_sql(api, "hydroponics")
    found, found_sql = _search_sql(api, "hydroponics")
    assert [row["title"] for row in found["results"]] == ["Hydroponics exchange"]
    assert found["search"]["mode"] == "fulltext"
    assert 'SELECT 1 AS "a"' not in found_sql


def test_a_cached_search_decision_follows_the_next_write(api, recorded):
    with recorded():
        PartnershipFactory(title="Geothermal heating exchange")
        draft = PartnershipFactory(title="Geotermal spelling of a draft", draft=True)
    assert _search_sql(api, "geotermal")[0]["search"]["mode"] == "fuzzy"
    with recorded():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    body = _search_sql(api, "geotermal")[0]
    assert body["search"] == {
        "query": "geotermal",
        "mode": "fulltext",
        "suggestion": None,
        "modes": ["fulltext"],
    }
    assert [row["title"] for row in body["results"]] == ["Geotermal spelling of a draft"]


def test_each_filter_has_its_own_search_decision(api, recorded):
    with recorded():
        _partnership(["4"], title="Geothermal heating exchange")
        _partnership(["5"], title="Geotermal spelling in another goal")
    assert api.get(LIST, {"q": "geotermal", "sdg": "5"}).json()["search"]["mode"] == "fulltext"
    in_goal_four = api.get(LIST, {"q": "geotermal", "sdg": "4"}).json()
    assert in_goal_four["search"] == {
        "query": "geotermal",
        "mode": "fuzzy",
        "suggestion": "geothermal",
        "modes": ["fuzzy"],
    }
    assert api.get(LIST, {"q": "geotermal", "sdg": "5"}).json()["search"]["mode"] == "fulltext"


def test_record_set_key_names_the_records_not_the_columns_or_order():
    from partnerships.models import Partnership  # noqa: PLC0415
    from registry.cache import record_set_key  # noqa: PLC0415

    published = Partnership.objects.published()
    assert record_set_key(published) == record_set_key(published.order_by("title").values("slug"))
    assert record_set_key(published) != record_set_key(Partnership.objects.drafts())
    assert record_set_key(published.filter(sdgs="4")) != record_set_key(published.filter(sdgs="5"))
    assert record_set_key(published.filter(pk__in=[])) is None
    assert record_set_key(Partnership.objects.all()) == ("partnerships.partnership", (), "", ())


def test_the_upcoming_events_count_is_cached_within_the_minute(api, recorded, monkeypatch):
    import datetime  # noqa: PLC0415

    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from tests.factories import EventFactory  # noqa: PLC0415

    start = timezone.now() + datetime.timedelta(days=3)
    with recorded():
        EventFactory(title="Coming", start=start, end=start + datetime.timedelta(hours=2))
    noon = timezone.now().replace(second=5, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: noon)
    first = api.get("/api/v1/events/", {"when": "upcoming"}).json()
    assert [event["title"] for event in first["results"]] == ["Coming"]
    monkeypatch.setattr(timezone, "now", lambda: noon + datetime.timedelta(seconds=40))
    with CaptureQueriesContext(connection) as captured:
        again = api.get("/api/v1/events/", {"when": "upcoming"}).json()
    assert again == first
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "COUNT(" not in sql and "INSERT" not in sql  # the cached count, nothing stored again


def test_at_the_moment_an_event_ends_its_count_and_facet_counts_agree(api, recorded, monkeypatch):
    """The count and the facet counts of `when=upcoming` name the same minute (record_set_key)."""
    import datetime  # noqa: PLC0415

    from tests.factories import EventFactory  # noqa: PLC0415

    minute = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(days=1)
    with recorded():
        EventFactory(title="Ending", start=minute - datetime.timedelta(hours=2), end=minute)
    query = {"when": "upcoming"}

    def count_and_facets() -> tuple[int, int]:
        listed = api.get("/api/v1/events/", query).json()["count"]
        facets = api.get("/api/v1/events/facets/", query).json()
        return listed, sum(row["count"] for row in facets["type"])

    monkeypatch.setattr(timezone, "now", lambda: minute - datetime.timedelta(seconds=20))
    assert count_and_facets() == (1, 1)
    monkeypatch.setattr(timezone, "now", lambda: minute + datetime.timedelta(minutes=1, seconds=5))
    assert count_and_facets() == (0, 0)


def test_a_list_request_reads_the_last_change_once(api, recorded, settings, empty_cache):
    """ETag, page cache key, cached count, search decision, facets and page: one reading."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    settings.PAGE_CACHE_SECONDS = 300  # the page cache names a page by it too
    with recorded():
        _partnership(["4"], title="Geothermal heating exchange")
    for query in ({}, {"q": "geothermal", "sdg": "4"}, {"q": "geotermal"}):
        with CaptureQueriesContext(connection) as captured:
            assert api.get(LIST, query).status_code == 200
        readings = [q["sql"] for q in captured.captured_queries if "registry_registrychange" in q["sql"]]
        assert len(readings) == 1, (query, readings)
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/partnerships/", query).status_code == 200  # count, facets, decision
        readings = [q["sql"] for q in captured.captured_queries if "registry_registrychange" in q["sql"]]
        assert len(readings) == 1, (query, readings)


def test_outside_a_request_the_last_change_is_read_afresh(recorded):
    from partnerships.models import Partnership  # noqa: PLC0415
    from registry.cache import last_change, one_reading  # noqa: PLC0415

    with recorded():
        partnership = _partnership(["4"])
    before = last_change()
    with one_reading():
        assert last_change() == before
        with recorded():
            Partnership.objects.filter(pk=partnership.pk).update(title="Renamed")
        assert last_change() == before  # the request's reading
    assert last_change() > before
