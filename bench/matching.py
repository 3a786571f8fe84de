"""Time the organisation matcher (partnerships.matching) on the database at hand, in-process, the
server's time only: run it after `manage.py generate_data --scale 1` (20,000 partners).

    .venv/bin/python bench/matching.py             # every name of the evaluation set, once
    .venv/bin/python bench/matching.py --repeat 3

Matches each name of `sscregistry/evaluation/matching.json` (668 names in 14 languages: exact
names, acronyms, aliases, translations, other scripts, typos, names of no partner) with its country
hint, as `GET /api/v1/partners/match/` does, and prints the median and p95 of one match (the name's
embedding, the one lexical query over names, aliases, translated titles, identifiers and acronyms,
the nearest partners by meaning and the scoring), and of a batch of 100 names (`match_many`, as
the reconciliation service answers OpenRefine). Figures are in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1, help="passes over the names")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    if not os.environ.get("DATABASE_URL"):
        from sscregistry.localdb import start_embedded_server

        os.environ["DATABASE_URL"] = start_embedded_server()
    import django

    django.setup()
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
    batches = []
    for _ in range(args.repeat):
        for first in range(0, len(queries) - 99, 100):
            start = time.perf_counter()
            matching.match_many(queries[first : first + 100])
            batches.append((time.perf_counter() - start) * 1000)
    print(
        f"batch of 100: median {statistics.median(batches):.0f} ms, "
        f"slowest {max(batches):.0f} ms ({len(batches)} batches)"
    )


if __name__ == "__main__":
    main()
