"""Time hybrid search (full text fused with the nearest records by meaning) on the database at hand,
in-process, the server's time only: run it after `manage.py generate_data --scale 1`.

    .venv/bin/python bench/hybrid.py                 # the gold set's queries, then the search page
    .venv/bin/python bench/hybrid.py --repeat 5

Prints, for the gold set's queries (sscregistry/evaluation/queries.json) over each one's record
type: the hybrid search's median and p95 (the query's embedding, the fused ranking, the first page
of twenty and the count, with the figures cache off, so every query is computed afresh); then the
public partnership search page's median for repeated requests (caches warm, as visitors meet it);
and the process's peak resident memory with the model loaded (what the task worker holds).
Figures are in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.inprocess import percentile, setup_django  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="requests of each page query")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.test import Client

    from partnerships.models import Partnership
    from registry import embeddings
    from registry.search import order_by_relevance, search
    from sscregistry import evaluation

    print(f"{Partnership.objects.published().count():,} published partnerships")
    embeddings.preload()
    queries = [q for q in evaluation.read_queries() if q.kind != evaluation.UNRELATED]
    cache_seconds, settings.FIGURES_CACHE_SECONDS = settings.FIGURES_CACHE_SECONDS, 0
    timings = []
    for query in queries:
        embeddings.query_vector.cache_clear()
        started = time.perf_counter()
        found, _outcome = search(query.model._default_manager.published(), query.q)
        list(order_by_relevance(found).values_list("pk", flat=True)[:20])
        found.count()
        timings.append((time.perf_counter() - started) * 1000)
    settings.FIGURES_CACHE_SECONDS = cache_seconds
    print(
        f"hybrid search, {len(timings)} queries, cold: median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms"
    )
    client = Client()
    page = []
    for words in ("green economy", "économie verte", "cooperación sur-sur", "water", "Rwanda"):
        client.get("/partnerships/", {"q": words})  # caches warm
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get("/partnerships/", {"q": words})
            page.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    print(f"search page, warm: median {statistics.median(page):.1f} ms, p95 {percentile(page, 0.95):.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory with the model loaded: {peak:.0f} MB")


if __name__ == "__main__":
    main()
