"""What the in-process benchmarks (bench/hybrid.py, bench/matching.py) share: Django set up on the
database at hand (DATABASE_URL, or the development embedded server), and the percentile they print."""

from __future__ import annotations

import os


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def setup_django() -> None:
    """Django with DEBUG off (no query log), on DATABASE_URL or the embedded development server."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    if not os.environ.get("DATABASE_URL"):
        from sscregistry.localdb import start_embedded_server

        os.environ["DATABASE_URL"] = start_embedded_server()
    import django

    django.setup()
