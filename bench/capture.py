"""Run each endpoint inside Django (once to warm up, once recorded) and record its SQL, query count
and database time.

Prints JSON: {name: {"path", "headers", "status", "queries", "db_ms", "sql": [...]}}. The
baseline replays exactly these statements. Also checks that list query counts do not grow with
page size and that search plans use indexes, and reports both.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.endpoints import ENDPOINTS  # noqa: E402
from partnerships.models import Partnership  # noqa: E402

SEARCH_CONDITION = re.compile(r"@@")


def _request(client: Client, path: str, headers: dict[str, str]):
    response = client.get(path, headers=headers, follow=True)
    final = response.redirect_chain[-1][0] if response.redirect_chain else path
    if response.streaming:
        b"".join(response.streaming_content)
    return response, final


def main() -> None:
    # The app server's address: answers (and so their ETags) carry absolute URLs with its port.
    host = os.environ.get("BENCH_HOST", "127.0.0.1")
    client = Client(SERVER_NAME="127.0.0.1", HTTP_HOST=host)
    detail = (
        Partnership.objects.published()
        .filter(slug__startswith="gen-")
        .order_by("pk")
        .values_list("slug", flat=True)[500:501]
    )
    detail_slug = detail[0] if detail else Partnership.objects.published().values_list("slug", flat=True)[0]
    list_response, _ = _request(client, "/api/v1/partnerships/", {})
    etag = list_response.get("ETag", "")
    # The deepest full page of the default list (about 4,500 at scale 1).
    deep = max(1, Partnership.objects.published().count() // 20)
    out: dict[str, dict] = {}
    for name, path, headers in ENDPOINTS:
        path = path.format(detail=detail_slug, deep=deep)
        headers = {k: v.format(etag=etag) for k, v in headers.items()}
        # Once first, so that what is recorded is what the app runs for every further request, as
        # under load: counts and facet counts kept since the last write are not counted again.
        _request(client, path, headers)
        with CaptureQueriesContext(connection) as ctx:
            response, final = _request(client, path, headers)
        out[name] = {
            "path": final,
            "headers": headers,
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "db_ms": round(sum(float(q["time"]) for q in ctx.captured_queries) * 1000, 2),
            "sql": [q["sql"] for q in ctx.captured_queries],
        }
    counts = {}
    for size in (1, 20, 100):
        with CaptureQueriesContext(connection) as ctx:
            _request(client, f"/api/v1/partnerships/?page_size={size}", {})
        counts[size] = len(ctx.captured_queries)
    plans = {}
    for name in ("search, rare term", "search, common term", "search, misspelled"):
        # The page's own query: the one that filters on the search operators and takes a page.
        statements = [s for s in out[name]["sql"] if SEARCH_CONDITION.search(s) and "LIMIT" in s]
        if statements:
            plans[name] = {"plan": explain(statements[-1]), "without_seqscan": explain(statements[-1], True)}
    large = Partnership.objects.count() >= LARGE_TABLE
    json.dump(
        {"endpoints": out, "query_counts_by_page_size": counts, "search_plans": plans, "large": large},
        sys.stdout,
    )


# Below this many rows a sequential scan is the planner's right choice, so the check asks instead
# whether an index could answer the query at all (the plan with sequential scans discouraged).
LARGE_TABLE = 10_000


def explain(sql: str, discourage_seqscan: bool = False) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        if discourage_seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


if __name__ == "__main__":
    main()
