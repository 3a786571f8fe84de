"""Test set-up: a throwaway PostgreSQL unless DATABASE_URL names a server, and shared fixtures."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
