"""Test set-up: a throwaway PostgreSQL unless DATABASE_URL names a server, and shared fixtures."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest


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
    _server, url = start_throwaway_server(pgdata)
    parsed = dj_database_url.parse(url)
    for key in ("HOST", "PORT", "NAME", "USER", "PASSWORD"):
        settings.DATABASES["default"][key] = parsed[key]


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

    from partnerships.seed import load_seed_data

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
