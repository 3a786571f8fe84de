"""The baseline: a minimal WSGI app that runs the same SQL as the registry for each endpoint.

It uses psycopg 3 with a connection pool and renders the rows as JSON with orjson: what serving
these endpoints costs with no framework at all. Run by bench/run.py under gunicorn, with
BENCH_CAPTURE pointing at the capture file and DATABASE_URL at the same database.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

import dj_database_url
import orjson
from psycopg_pool import ConnectionPool

_db = dj_database_url.parse(os.environ["DATABASE_URL"])
_conninfo = " ".join(
    f"{key}={value}"
    for key, value in {
        "host": _db["HOST"],
        "port": _db["PORT"],
        "user": _db["USER"],
        "password": _db["PASSWORD"],
        "dbname": _db["NAME"],
    }.items()
    if value
)
pool = ConnectionPool(_conninfo, min_size=1, max_size=4, open=True)

with open(os.environ["BENCH_CAPTURE"]) as fh:
    _capture = json.load(fh)["endpoints"]
# Django reads a streamed export through a server-side cursor (DECLARE ... CURSOR WITH HOLD FOR
# SELECT ..., then FETCHes that are not captured); the baseline runs the SELECT itself.
_CURSOR = re.compile(r"^DECLARE \S+ NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ", re.S)
for _entry in _capture.values():
    _entry["sql"] = [_CURSOR.sub("", sql) for sql in _entry["sql"]]
# The list and its conditional GET share a path: tell them apart by If-None-Match, as the app does.
ROUTES = {(entry["path"], "If-None-Match" in entry["headers"]): entry for entry in _capture.values()}


def application(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
    path = unquote(environ.get("PATH_INFO", ""))
    if environ.get("QUERY_STRING"):
        path += "?" + unquote(environ["QUERY_STRING"])
    if path == "/healthz":  # bench/run.py waits for both servers to be idle between endpoints
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    entry = ROUTES.get((path, "HTTP_IF_NONE_MATCH" in environ))
    if entry is None:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"unknown endpoint"]
    if entry["status"] == 304:
        # The app answers from its ETag query alone; so does the baseline.
        with pool.connection() as conn:
            for sql in entry["sql"]:
                conn.execute(sql).fetchall()
        start_response("304 Not Modified", [])
        return [b""]
    results = []
    with pool.connection() as conn:
        for sql in entry["sql"]:
            # A statement may hold several queries (the app sends a page's relation queries as one
            # batch): read every result.
            cursor = conn.execute(sql)
            while True:
                results.append(cursor.fetchall() if cursor.description else [])
                if not cursor.nextset():
                    break
    body = orjson.dumps(results, default=str)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
