"""Test set-up: a throwaway PostgreSQL unless DATABASE_URL names a server, and shared fixtures."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest

# The throwaway server of this run, if the suite started one (tests that restart it need it).
embedded_server = None


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Point Django at a throwaway embedded PostgreSQL, deleted when the run ends.

    pytest-django creates its test database on that server, so tests always talk to a real
    PostgreSQL, never a mock and never the developer's data in var/postgres/.
    """
    if os.environ.get("DATABASE_URL"):
        return
    from django.conf import settings

    from sscregistry.localdb import start_throwaway_server

    pgdata = Path(tempfile.mkdtemp(prefix="sscregistry-test-")) / "pgdata"
    global embedded_server
    embedded_server, url = start_throwaway_server(pgdata)
    parsed = dj_database_url.parse(url)
    for key in ("HOST", "PORT", "NAME", "USER", "PASSWORD"):
        settings.DATABASES["default"][key] = parsed[key]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, as a registry nobody has written to yet: `migrate` loads the reference
    vocabularies after it (vocabularies/apps.py), and the database stamps that write
    (registry/changes.py); the tests of caching start from no stamp, as a fresh install serves
    until its first write."""
    from registry.models import RegistryChange

    with django_db_blocker.unblock():
        RegistryChange.objects.all().delete()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Hash test passwords with MD5: the production hasher (PBKDF2, a million rounds) costs about
    half a second per user created or signed in with a password, and tests make hundreds.
    No test is about the hasher's strength; settings.PASSWORD_HASHERS is untouched outside tests."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# Shared fixtures for the curation workflow: one user per role, and small record builders.


@pytest.fixture
def make_user(db, django_user_model):
    from django.contrib.auth.models import Group

    def make(username: str, group: str | None = None, **extra):
        user = django_user_model.objects.create_user(
            username=username,
            password="a-long-test-password",
            email=f"{username}@example.org",
            is_staff=True,
            **extra,
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def contributor(make_user):
    return make_user("contributor", "Contributors")


@pytest.fixture
def curator(make_user):
    return make_user("curator", "Curators")


@pytest.fixture
def superuser(make_user):
    return make_user("root", is_superuser=True)


@pytest.fixture
def client_as(client):
    """`client_as(user)`: the test client, signed in as `user`."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def make_partner(db):
    from partnerships.models import Partner

    def make(name: str = "Partner", **fields):
        return Partner.objects.create(name=name, **fields)

    return make


@pytest.fixture
def make_partnership(db):
    from partnerships.models import Partnership

    def make(title: str = "A partnership", **fields):
        return Partnership.objects.create(title=title, **fields)

    return make


@pytest.fixture
def make_event(db):
    import datetime

    from events.models import Event

    def make(title: str = "An event", **fields):
        start = datetime.datetime(2030, 5, 1, 9, tzinfo=datetime.UTC)
        values = {
            "event_type": Event.Type.CONFERENCE,
            "start": start,
            "end": start + datetime.timedelta(hours=8),
        }
        return Event.objects.create(title=title, **(values | fields))

    return make


def _ends_with_a_flush(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool({"transactional_db", "live_server"} & fixtures) or bool(
        marker is not None and marker.kwargs.get("transaction")
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Load the vocabularies again after a test that ended with a flush of every table.

    Transactional tests (the live server's, the backup round trip) end with Django's flush, which
    empties the tables the migrations filled. pytest-django runs them after the ordinary tests, but
    a test that comes later would otherwise find no countries, SDGs or codelists. This runs once the
    test's fixtures (and so the flush) are done. The groups come back by themselves: they are
    synced on post_migrate, which the flush sends.
    """
    result = yield
    if nextitem is not None and _ends_with_a_flush(item):
        from pytest_django.plugin import blocking_manager_key

        from vocabularies.models import Country
        from vocabularies.reference import load_reference_data

        with item.config.stash[blocking_manager_key].unblock():
            if not Country.objects.exists():
                load_reference_data()
            _forget_the_last_change()
    return result


def _forget_the_last_change() -> None:
    """Drop the registry's change stamp (and the figures cached under it) that a committed write
    left: ordinary tests never commit, so a stamp would stay the same through every later test,
    and figures cached in one (a search's ranking, its near records) would answer the next."""
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection

    from registry.models import RegistryChange

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {RegistryChange._meta.db_table}")  # noqa: S608
    for alias in {"default", settings.SHARED_CACHE}:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _api_without_rate_limit(settings: Any) -> None:
    """Most tests make many requests; the throttling tests set their own rate."""
    from django.core.cache import cache

    settings.API_ANON_THROTTLE_RATE = None
    cache.clear()


@pytest.fixture(scope="class")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The seed documents' records, loaded once per test class and rolled back after it.

    Seed tests live in a class (`class TestSeedDocuments`) so that the data is gone before the
    module's other tests; they also take `db`, whose per-test transaction nests inside this one.
    """
    from django.db import transaction

    from sscregistry.seed import load_seed_data

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_seed_data()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def api() -> Any:
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def english_between_tests():
    """A request to /fr/ or /es/ leaves its language active in the thread; start each test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def empty_cache() -> Iterator[None]:
    """An empty cache before and after the test: rate-limit counts and cached pages start afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def curator_api(curator):
    """An API client signed in with a curator's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=curator).key}")
    return api


@pytest.fixture
def django_capture_on_commit_callbacks(django_capture_on_commit_callbacks: Any) -> Any:
    """pytest-django's, whose `execute=True` runs what a commit would run in Python; this one also
    fires what a commit fires in the database (deferred triggers, such as the one that bumps the
    registry's change stamp, registry/signals.py), as `SET CONSTRAINTS ALL IMMEDIATE` does."""
    import contextlib

    from django.db import DEFAULT_DB_ALIAS, connections

    @contextlib.contextmanager
    def capture(*, using: str = DEFAULT_DB_ALIAS, execute: bool = False) -> Iterator[list]:
        with django_capture_on_commit_callbacks(using=using, execute=execute) as callbacks:
            yield callbacks
            if execute:
                connections[using].check_constraints()

    return capture
