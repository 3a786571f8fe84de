"""Time cold facet counts: `facet_counts()` itself, with nothing kept, as the first visitor after a
write waits for them.

    .venv/bin/python bench/facets.py                  # every record type with facets, 5 runs each
    .venv/bin/python bench/facets.py --runs 9 --only partnerships
    .venv/bin/python bench/facets.py --check       # and fail unless stored tokens and link tables agree
    .venv/bin/python bench/facets.py --links       # count over the link tables, as before the tokens

It uses the database in DATABASE_URL (or the embedded development one, SSC_PGDATA), which should
hold `manage.py generate_data --scale 1` for meaningful figures. For each record type it counts
the facets of the published records as the API's `/facets/` does (the same FilterSet over the same
queryset), with no filter, with one filter and with a search (`q`), and prints the fastest and the
median wall time of the runs, after one unmeasured run of each (PostgreSQL's buffers warm, no
answer kept anywhere: the figures cache is never asked). Figures are in docs/scaling.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (record type, FilterSet, model, cases as (label, query parameters)).
CASES: list[tuple[str, str, str, list[tuple[str, dict[str, str]]]]] = [
    (
        "partnerships",
        "partnerships.filters.PartnershipFilter",
        "partnerships.Partnership",
        [
            ("no filter", {}),
            ("one SDG", {"sdg": "13"}),
            ("search, common term", {"q": "resilience"}),
            ("search, rare term", {"q": "hydroponics"}),
            ("three filters", {"platform": "cities", "sdg": "13", "modality": "triangular"}),
            ("one region", {"region": "002"}),
        ],
    ),
    (
        "events",
        "events.filters.EventFilter",
        "events.Event",
        [("no filter", {}), ("one type", {"type": "conference"}), ("search", {"q": "resilience"})],
    ),
    (
        "publications",
        "reports.filters.PublicationFilter",
        "reports.Publication",
        [("no filter", {}), ("one type", {"type": "report"}), ("search", {"q": "resilience"})],
    ),
    (
        "partners",
        "partnerships.filters.PartnerFilter",
        "partnerships.Partner",
        [("no filter", {}), ("one type", {"type": "10"}), ("search", {"q": "ministry"})],
    ),
]


def setup(dbname: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")
    if not os.environ.get("DATABASE_URL"):
        from sscregistry.localdb import start_embedded_server

        os.environ["DATABASE_URL"] = start_embedded_server(dbname=dbname)
    import django

    django.setup()


def time_case(
    filterset_path: str, model_label: str, params: dict[str, str], runs: int, check: bool, links: bool
) -> tuple[float, float]:
    """The fastest and the median time of `facet_counts` in milliseconds, after one warm-up."""
    from django.apps import apps
    from django.http import QueryDict
    from django.utils.module_loading import import_string

    from registry.facets import facet_counts
    from registry.rest import search_columns

    filterset_class = import_string(filterset_path)
    model = apps.get_model(model_label)
    # The same FilterSet with each stored-token facet counted over the link tables instead.
    linked = type("Linked", (filterset_class,), {})
    linked.facets = {name: getattr(facet, "link", facet) for name, facet in filterset_class.facets.items()}
    timed = linked if links else filterset_class
    data = QueryDict(mutable=True)
    data.update(params)
    times = []
    for _ in range(runs + 1):
        # A new FilterSet each time, as each request makes: nothing it worked out is reused.
        queryset = model.objects.published().defer(*search_columns(model))
        filterset = timed(data, queryset=queryset)
        if not filterset.is_valid():
            raise SystemExit(f"{model_label} {params}: {filterset.errors}")
        started = time.perf_counter()
        answer = facet_counts(filterset)
        times.append((time.perf_counter() - started) * 1000)
    if check:
        expected = facet_counts(
            linked(data, queryset=model.objects.published().defer(*search_columns(model)))
        )
        if answer != expected:
            raise SystemExit(f"{model_label} {params}: stored tokens' counts differ from the link tables'")
    measured = times[1:]
    return min(measured), statistics.median(measured)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each case (after one warm-up)")
    parser.add_argument(
        "--only", action="append", help="record types to time (repeatable), e.g. partnerships"
    )
    parser.add_argument(
        "--dbname", default="sscregistry", help="embedded server's database, without DATABASE_URL"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="also count over the link tables and fail unless the answers agree",
    )
    parser.add_argument(
        "--links",
        action="store_true",
        help="time the facets counted over the link tables (the way before the stored tokens)",
    )
    args = parser.parse_args()
    setup(args.dbname)
    print(f"{'record type':<14} {'case':<22} {'fastest ms':>11} {'median ms':>10}")
    for name, filterset_path, model_label, cases in CASES:
        if args.only and name not in args.only:
            continue
        for label, params in cases:
            fastest, median = time_case(
                filterset_path, model_label, params, args.runs, args.check, args.links
            )
            print(f"{name:<14} {label:<22} {fastest:>11.1f} {median:>10.1f}", flush=True)
    if hasattr(os, "getloadavg"):
        print("load averages (1, 5, 15 min): " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
