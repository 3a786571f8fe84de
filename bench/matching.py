"""Time the organisation matcher (partnerships.matching) on the database at hand, in-process, the
server's time only: run it after `manage.py generate_data --scale 1` (20,000 partners).

    .venv/bin/python bench/matching.py             # every name of the evaluation set, once
    .venv/bin/python bench/matching.py --repeat 3

Matches each name of `sscregistry/evaluation/matching.json` (668 names in 14 languages: exact
names, acronyms, aliases, translations, other scripts, typos, names of no partner) with its country
hint, as `GET /api/v1/partners/match/` does, and prints the median and p95 of one match (the name's
embedding, the one lexical query over names, aliases, translated titles, identifiers and acronyms,
the nearest partners by meaning and the scoring), and of a batch of 100 names POSTed to the
reconciliation service as OpenRefine sends them (`POST /api/v1/reconcile/partners`, in-process:
the view, the schema check and the 100 matches). Figures are in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inprocess import percentile, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1, help="passes over the names")
    args = parser.parse_args()
    setup_django()
    from partnerships import matching
    from partnerships.models import Partner
    from registry import embeddings

    pairs = json.loads((ROOT / "sscregistry" / "evaluation" / "matching.json").read_text())["pairs"]
    queries = [{"name": p["name"], "country": p.get("country")} for p in pairs]
    print(f"{Partner.objects.published().count():,} published partners, {len(queries)} names")
    embeddings.preload()
    for query in queries[:20]:  # warm the connection, the model and PostgreSQL's caches
        matching.match(**query)
    single = []
    for _ in range(args.repeat):
        for query in queries:
            start = time.perf_counter()
            matching.match(**query)
            single.append((time.perf_counter() - start) * 1000)
    print(f"one match: median {statistics.median(single):.1f} ms, p95 {percentile(single, 0.95):.1f} ms")
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    batches = []
    for _ in range(args.repeat):
        for first in range(0, len(queries) - 99, 100):
            batch = {
                f"q{i}": {"query": q["name"]}
                | ({"properties": [{"pid": "country", "v": q["country"]}]} if q["country"] else {})
                for i, q in enumerate(queries[first : first + 100])
            }
            embeddings.query_vector.cache_clear()  # timed with the names' embeddings
            start = time.perf_counter()
            response = client.post("/api/v1/reconcile/partners", {"queries": json.dumps(batch)})
            batches.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content[:500]
    print(
        f"reconciliation batch of 100: median {statistics.median(batches):.0f} ms, "
        f"slowest {max(batches):.0f} ms ({len(batches)} batches)"
    )


if __name__ == "__main__":
    main()
