"""Time the sentence-embedding model (registry/embeddings.py) on its own, without a database.

    .venv/bin/python bench/embeddings.py              # 256 record texts in batches of 64, 50 queries
    .venv/bin/python bench/embeddings.py --texts 1024 --batch 32

Prints the model's load time, record texts embedded per second (the task worker's throughput),
a search query's embedding time (median and p95 over the queries),
and the resident memory of the process with the model loaded. Figures are in docs/scaling.md.
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

SUBJECTS = ["green economy", "food security", "digital trade", "volunteer exchange", "climate finance"]
PLACES = ["Rwanda", "Brazil", "Indonesia", "Norway", "Kenya", "Chile", "India", "Egypt"]


def record_texts(count: int) -> list[str]:
    """Texts shaped as the records' (a title, then a summary of a sentence or two)."""
    texts = []
    for number in range(count):
        subject, place = SUBJECTS[number % len(SUBJECTS)], PLACES[number % len(PLACES)]
        texts.append(
            f"Partnership {number} on {subject} in {place}. Partners in {place} and the South share "
            f"knowledge and staff on {subject}, with exchanges, training and joint projects since "
            f"{2000 + number % 25}."
        )
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--texts", type=int, default=256)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--queries", type=int, default=50)
    arguments = parser.parse_args()

    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")
    os.environ.setdefault("DATABASE_URL", "postgres:///unused")
    import django

    django.setup()
    from registry import embeddings

    started = time.perf_counter()
    embeddings.preload()
    loaded = time.perf_counter() - started

    texts = record_texts(arguments.texts)
    started = time.perf_counter()
    for start in range(0, len(texts), arguments.batch):
        embeddings.embed("passage", texts[start : start + arguments.batch])
    passages = time.perf_counter() - started

    timings = []
    for number in range(arguments.queries):
        started = time.perf_counter()
        embeddings.embed("query", [f"{SUBJECTS[number % len(SUBJECTS)]} {number}"])
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"encoder: {embeddings.encoder_name()}")
    print(f"load: {loaded * 1000:.0f} ms")
    print(
        f"record texts: {len(texts) / passages:.1f} per second ({len(texts)} in batches of {arguments.batch})"
    )
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"query: median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")
    print(f"resident memory: {rss:.0f} MB")


if __name__ == "__main__":
    main()
