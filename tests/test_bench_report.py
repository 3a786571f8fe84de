"""The benchmark's repeated runs: medians, and the ratio taken pair by pair."""

from __future__ import annotations

from bench.run import combined


def _run(rps: float, p50: float = 10.0, p99: float = 50.0, errors: int = 0) -> dict[str, float]:
    return {"rps": rps, "p50": p50, "p99": p99, "errors": errors}


def test_repeated_runs_give_medians_and_the_median_of_each_pairs_ratio():
    pairs = [
        (_run(200, p99=60), _run(400)),  # 0.50
        (_run(150, p99=90, errors=1), _run(600)),  # 0.25: a slow spell for the app alone
        (_run(240, p99=70), _run(400)),  # 0.60
    ]
    app, base = combined(pairs)
    assert app["rps"] == 200 and app["p99"] == 70 and base["rps"] == 400
    assert app["errors"] == 1 and base["errors"] == 0
    assert app["ratios"] == [0.5, 0.25, 0.6] and app["ratio"] == 0.5


def test_a_single_run_is_reported_as_it_is():
    app, base = combined([(_run(300), _run(600))])
    assert (app["rps"], base["rps"], app["ratio"]) == (300, 600, 0.5)
