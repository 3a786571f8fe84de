"""Stream a whole CSV export from the production server and watch the worker's memory.

    .venv/bin/python bench/export_memory.py                      # every published partnership
    .venv/bin/python bench/export_memory.py --path /api/v1/events/export.csv

Serves the app with gunicorn as bench/run.py does (one worker), downloads the export in 64 KiB
reads, samples the worker's resident memory as the rows arrive, and prints rows, size, time and the
memory before, at its peak and along the way. A constant-memory export keeps the peak within a few
MB of the start however many rows it sends. Use the database of `generate_data --scale 1` (90,016
published partnerships) for a meaningful figure.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    database_url,
    free_port,
    production_env,
    start_gunicorn,
    stop,
    worker_rss_mb,
)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", default="/api/v1/partnerships/export.csv")
    parser.add_argument(
        "--dbname", default="sscregistry", help="embedded server's database, without DATABASE_URL"
    )
    args = parser.parse_args()

    env = production_env(database_url(args.dbname))
    port = free_port()
    server = start_gunicorn("sscregistry.wsgi", port, env | {"GUNICORN_TIMEOUT": "600"}, workers=1)
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/partnerships/?page_size=1").read()
        before = peak = worker_rss_mb(server)
        samples: list[tuple[int, float]] = []
        rows = size = 0
        start = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{args.path}", timeout=600) as response:
            while chunk := response.read(65536):
                size += len(chunk)
                rows += chunk.count(b"\n")
                if len(samples) * 5_000_000 <= size:  # about every 5 MB
                    rss = worker_rss_mb(server)
                    peak = max(peak, rss)
                    samples.append((rows, rss))
        elapsed = time.monotonic() - start
        peak = max(peak, worker_rss_mb(server))
    finally:
        stop(server)
    along = ", ".join(f"{count:,} rows: {rss:.0f} MB" for count, rss in samples[:: max(len(samples) // 6, 1)])
    print(
        f"{args.path}: {rows - 1:,} rows, {size / 2**20:.1f} MiB in {elapsed:.1f} s "
        f"({(rows - 1) / elapsed:,.0f} rows/s); worker resident memory {before:.0f} MB before, "
        f"{peak:.0f} MB at its peak ({along})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
