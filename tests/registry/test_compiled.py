"""Compiled queries (registry/compiled.py) and stored rankings (registry/pagination.py): the same
answers as building every query afresh, and never an answer from before the registry's last write."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry import pagination
from registry.compiled import (
    CompiledLookup,
    CompiledPage,
    CompiledQueries,
    compiled_lookups,
    compiled_pages,
    compiled_values,
)
from tests.factories import EventFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/partnerships/"


@pytest.fixture
def recorded(django_capture_on_commit_callbacks):
    """Run the block as a committed write, so the registry records its time (as in production)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _no_compiled_queries_from_other_tests():
    compiled_pages.clear()
    compiled_lookups.clear()


def _fresh(api, settings, path: str, params: dict | None = None):
    """The answer with every query built afresh (nothing compiled, no stored ranking)."""
    settings.API_COMPILED_QUERIES = False
    cached_from, pagination.RANKING_CACHED_FROM = pagination.RANKING_CACHED_FROM, 10**9
    try:
        return api.get(path, params or {})
    finally:
        settings.API_COMPILED_QUERIES = True
        pagination.RANKING_CACHED_FROM = cached_from


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_a_repeated_list_is_answered_from_its_compiled_page_alike(api, recorded, settings, monkeypatch):
    original = CompiledPage.rows
    with recorded():
        for number in range(5):
            PartnershipFactory(title=f"Exchange {number}", start_date=datetime.date(2020, 1, number + 1))
    params = {"page_size": 2, "page": 2, "ordering": "title"}
    first = api.get(LIST, params)
    assert len(compiled_pages._queries) == 1
    read = []
    monkeypatch.setattr(CompiledPage, "rows", lambda page: read.append(page) or [*original(page)])
    again = api.get(LIST, params)
    assert read == list(compiled_pages._queries.values())  # the compiled SQL, not a query built again
    assert again.content == first.content == _fresh(api, settings, LIST, params).content
    assert _titles(again) == ["Exchange 2", "Exchange 3"]
    assert again.json()["count"] == 5


def test_a_compiled_page_keeps_the_search_outcome(api, recorded):
    with recorded():
        PartnershipFactory(title="Geothermal heating exchange")
    first = api.get(LIST, {"q": "geotermal"})
    again = api.get(LIST, {"q": "geotermal"})
    assert first.json()["search"] == {
        "query": "geotermal",
        "mode": "fuzzy",
        "suggestion": "geothermal",
        "modes": ["fuzzy"],
    }
    assert again.content == first.content


def test_a_write_makes_the_compiled_queries_stale(api, recorded):
    with recorded():
        PartnershipFactory(title="Solar exchange")
        draft = PartnershipFactory(title="Solar training", draft=True)
    assert _titles(api.get(LIST, {"q": "solar"})) == ["Solar exchange"]
    with recorded():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    answer = api.get(LIST, {"q": "solar"}).json()
    assert answer["count"] == 2
    assert sorted(row["title"] for row in answer["results"]) == ["Solar exchange", "Solar training"]


def test_nothing_is_compiled_before_a_write_is_recorded(api):
    PartnershipFactory(title="Unrecorded exchange")  # no committed write: nothing names the state
    assert _titles(api.get(LIST)) == ["Unrecorded exchange"]
    assert not compiled_pages._queries


def test_a_filter_that_reads_the_clock_is_never_compiled(api, recorded):
    with recorded():
        EventFactory(title="Next week's forum")
    assert [row["title"] for row in api.get("/api/v1/events/", {"when": "upcoming"}).json()["results"]] == [
        "Next week's forum"
    ]
    assert not compiled_pages._queries
    api.get("/api/v1/events/")
    assert len(compiled_pages._queries) == 1


def test_bad_input_is_refused_before_anything_is_compiled(api, recorded):
    with recorded():
        PartnershipFactory()
    for params in ({"sdg": "18"}, {"page_size": "1000"}, {"page": "9"}):
        first, again = api.get(LIST, params), api.get(LIST, params)
        assert first.status_code == again.status_code in (400, 404)
        assert first.content == again.content
    assert not compiled_pages._queries


def test_compiled_queries_are_turned_off_by_the_setting(api, recorded, settings):
    settings.API_COMPILED_QUERIES = False
    with recorded():
        PartnershipFactory()
    api.get(LIST)
    api.get(f"{LIST}{PartnershipFactory().slug}/")
    assert not compiled_pages._queries and not compiled_lookups._queries


def test_a_detail_is_read_by_its_compiled_lookup_for_any_slug(api, settings):
    first, second = PartnershipFactory(title="First"), PartnershipFactory(title="Second")
    draft = PartnershipFactory(title="Draft", draft=True)
    answer = api.get(f"{LIST}{first.slug}/")
    assert len(compiled_lookups._queries) == 1
    assert api.get(f"{LIST}{first.slug}/").content == answer.content
    assert api.get(f"{LIST}{second.slug}/").json()["title"] == "Second"
    assert api.get(f"{LIST}{second.slug}/").content == _fresh(api, settings, f"{LIST}{second.slug}/").content
    missing = api.get(f"{LIST}{draft.slug}/")
    assert missing.status_code == 404
    assert missing.content == _fresh(api, settings, f"{LIST}{draft.slug}/").content
    first.status = "draft"
    first.save()
    assert api.get(f"{LIST}{first.slug}/").status_code == 404


def test_a_compiled_lookup_puts_the_value_in_place_of_its_marker():
    from partnerships.models import Partnership

    one = PartnershipFactory(title="Marked")
    lookup = CompiledLookup.of(Partnership.objects.published().values("id", "title"), "slug")
    assert lookup is not None
    assert lookup.rows(one.slug) == [{"id": one.id, "title": "Marked"}]
    assert lookup.rows("'; DROP TABLE x; --") == []  # a parameter, never SQL


def test_the_compiled_queries_keep_the_most_recently_used():
    queries: CompiledQueries[int] = CompiledQueries(size=2)
    queries.put("a", 1)
    queries.put("b", 2)
    assert queries.get("a") == 1
    queries.put("c", 3)
    assert queries.get("b") is None and queries.get("a") == 1 and queries.get("c") == 3


class TestStoredRanking:
    """A search with many matches keeps its first ranked ids until the next write."""

    @pytest.fixture(autouse=True)
    def _small_window(self, monkeypatch):
        monkeypatch.setattr(pagination, "RANKING_CACHED_FROM", 4)
        monkeypatch.setattr(pagination, "RANKING_WINDOW", 6)

    @pytest.fixture
    def matches(self, recorded):
        with recorded():
            for number in range(8):
                # Titles rank above descriptions, so the order is not the date order.
                words = {"title": f"Resilience {number}"}
                if number % 3:
                    words = {"title": f"Exchange {number}", "description": f"Resilience {number}"}
                PartnershipFactory(**words, start_date=datetime.date(2020, 1, number + 1))

    def test_every_page_is_the_one_ranked_afresh(self, api, settings, matches):
        for page in (1, 2, 3, 4):
            params = {"q": "resilience", "page_size": 2, "page": page}
            expected = _fresh(api, settings, LIST, params)
            assert api.get(LIST, params).content == expected.content
            assert api.get(LIST, params).content == expected.content
        fresh_titles = [
            title
            for page in (1, 2, 3, 4)
            for title in _titles(
                _fresh(api, settings, LIST, {"q": "resilience", "page_size": 2, "page": page})
            )
        ]
        assert len(set(fresh_titles)) == 8

    def test_the_ranking_is_read_once_until_the_next_write(self, api, recorded, matches):
        def ranking_queries(params: dict) -> list[str]:
            with CaptureQueriesContext(connection) as queries:
                api.get(LIST, params)
            return [query["sql"] for query in queries if "LIMIT 6" in query["sql"]]

        assert len(ranking_queries({"q": "resilience", "page_size": 2})) == 1
        assert ranking_queries({"q": "resilience", "page_size": 2, "page": 2}) == []
        with recorded():
            PartnershipFactory(title="Resilience first of all", start_date=datetime.date(2030, 1, 1))
        assert len(ranking_queries({"q": "resilience", "page_size": 2, "page": 2})) == 1
        first = api.get(LIST, {"q": "resilience", "page_size": 2}).json()
        assert first["count"] == 9
        assert "Resilience first of all" in _titles(api.get(LIST, {"q": "resilience", "page_size": 9}))

    def test_an_explicit_order_or_few_matches_rank_afresh(self, api, matches, monkeypatch):
        def ranked(params: dict) -> bool:
            with CaptureQueriesContext(connection) as queries:
                api.get(LIST, params)
            return any("LIMIT 6" in query["sql"] for query in queries)

        assert not ranked({"q": "resilience", "ordering": "title"})
        assert not ranked({"q": "resilience", "page": 4, "page_size": 2})  # past the window
        monkeypatch.setattr(pagination, "RANKING_CACHED_FROM", 100)
        assert not ranked({"q": "resilience", "page_size": 3})


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


class TestPreparedStatements:
    """Compiled queries run as prepared statements with their values written in (registry/compiled.py)."""

    def test_a_compiled_query_is_prepared_after_five_runs_values_written_in(self, api, recorded, settings):
        with recorded():
            PartnershipFactory(title="Prepared exchange")
        slug = PartnershipFactory(title="Prepared detail").slug
        fresh = _fresh(api, settings, LIST, {"q": "prepared exchange"}).json()
        for _ in range(8):  # the first compiles the queries; psycopg prepares on a statement's sixth run
            assert api.get(LIST, {"q": "prepared exchange"}).json() == fresh
            assert api.get(f"{LIST}{slug}/").json()["title"] == "Prepared detail"
        statements = _prepared_statements()
        assert any("sscregistry_tsquery" in sql and "'prepared exchange'" in sql for sql in statements)
        assert any(f"'{slug}'" in sql for sql in statements)  # the detail's, for its slug
        assert not any("$1" in sql for sql in statements)  # values written in: PostgreSQL plans for them

    def test_quotes_and_percent_signs_are_written_in_as_values(self, api, recorded, settings):
        with recorded():
            PartnershipFactory(title="O'Brien fund 100% green")
            PartnershipFactory(title="Other fund")
        for query in ("o'brien 100%", "100%", "'; DROP TABLE partnerships_partnership; --"):
            fresh = _fresh(api, settings, LIST, {"q": query}).json()
            for _ in range(7):
                assert api.get(LIST, {"q": query}).json() == fresh
        assert _titles(api.get(LIST, {"q": "o'brien 100%"})) == ["O'Brien fund 100% green"]

    def test_behind_pgbouncer_or_when_turned_off_nothing_is_prepared(self, api, recorded, settings):
        with recorded():
            PartnershipFactory(title="Pooled exchange")
        before = _prepared_statements()
        settings.API_PREPARED_STATEMENTS = False
        for _ in range(8):
            assert _titles(api.get(LIST, {"q": "pooled exchange"})) == ["Pooled exchange"]
        assert _prepared_statements() == before
        settings.API_PREPARED_STATEMENTS = True
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
        try:
            for _ in range(8):
                assert _titles(api.get(LIST, {"q": "pooled exchange"})) == ["Pooled exchange"]
            assert _prepared_statements() == before
        finally:
            connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False


def test_the_django_internals_the_compiled_queries_rely_on_are_still_there():
    """Compiled queries (registry/compiled.py), the shapes' compiled relation queries (registry/shapes.py)
    and the compiled paginator use Django internals that are not public API. Each is named here, so
    that a Django upgrade that changes one fails in this one test, not somewhere in an answer."""
    import psycopg
    from django.core.paginator import Paginator
    from django.db.backends.postgresql.base import ServerBindingCursor
    from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
    from django.db.models.query import ValuesIterable, ValuesListIterable

    from partnerships.models import Partnership
    from registry.rest import CappedPaginator

    # compiled_values(): which iterable a queryset yields rows through.
    values = Partnership.objects.values("slug", "title")
    assert values._iterable_class is ValuesIterable
    assert Partnership.objects.values_list("slug")._iterable_class is ValuesListIterable
    # compiled_values() and shapes._compile(): the compiler's selected columns and their converters.
    compiler = values.query.get_compiler(using=values.db)
    sql, params = compiler.as_sql()
    assert isinstance(sql, str) and isinstance(params, tuple | list)
    assert all(len(entry) == 3 for entry in compiler.select)
    assert compiler.get_converters([column for column, _, _ in compiler.select]) == {}
    # A column that needs converting (JSON) is seen, and refused.
    from registry.models import ImportJob

    converted = ImportJob.objects.values("totals")
    converted_compiler = converted.query.get_compiler(using=converted.db)
    converted_compiler.as_sql()
    assert converted_compiler.get_converters([c for c, _, _ in converted_compiler.select])
    assert compiled_values(converted) is None and compiled_values(values) is not None
    # compiled_values(): the names of a values() row, in the order of its columns.
    query = values.query
    assert (*query.extra_select, *query.values_select, *query.annotation_select) == ("slug", "title")
    # value_rows(): a server-binding cursor, wrapped as Django wraps its own.
    assert issubclass(ServerBindingCursor, psycopg.Cursor)
    assert issubclass(CursorDebugWrapper, CursorWrapper)
    connection.ensure_connection()
    assert isinstance(connection.queries_logged, bool)
    assert hasattr(connection.wrap_database_errors, "__enter__")
    assert hasattr(connection.connection, "prepare_threshold")
    assert connection.ops.compose_sql("SELECT %s", ["x"]) == "SELECT 'x'"
    # ShapeReadMixin._page_from_compiled(): the compiled count goes into the cached `count`.
    # A cached property without __set__: a value in the instance's __dict__ wins over it.
    for paginator_class in (Paginator, CappedPaginator):
        assert not hasattr(type(paginator_class.__dict__["count"]), "__set__"), paginator_class
    paginator = CappedPaginator([], 10)
    paginator.__dict__["count"] = 42
    assert paginator.count == 42 and paginator.num_pages == 5
