"""Benchmark the registry as it runs in production, against a minimal baseline, on loopback.

    .venv/bin/python bench/run.py                  # full run: 20 s per endpoint, results to bench/results/
    .venv/bin/python bench/run.py --quick          # CI: 2 s per endpoint, fails on 5xx, growing query counts,
                                                   # or a search plan that scans a large table

It uses the database in DATABASE_URL (or the embedded development one), which should hold
`manage.py generate_data --scale 1` for meaningful figures. It serves the app with gunicorn
(DJANGO_ENV=production, DEBUG off, whitenoise), records each endpoint's SQL once (bench/capture.py),
serves the baseline (bench/baseline.py) that replays that SQL with psycopg 3 and a pool, drives both
with wrk from a second process, and writes a Markdown report with the machine's description.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(dbname: str) -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from sscregistry.localdb import start_embedded_server

    return start_embedded_server(dbname=dbname)


def production_env(db_url: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": db_url,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_ANON_THROTTLE_RATE": "off",
        "SERVER_TIMING": "true",  # the app's own time per request (server_time())
        "PYTHONPATH": str(ROOT),
    }


def start_gunicorn(app: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    # The server's log goes to a file: a pipe nobody reads fills up, and then every worker blocks on
    # its next log line until gunicorn kills it as timed out (cold restarts, ruined figures).
    log_path = ROOT / "var" / f"bench-{app.split('.')[0].split(':')[0]}.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [
            PY,
            "-m",
            "gunicorn",
            app,
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            # /healthz: cheap, and it checks the database (the home page can take seconds when cold).
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return process
        except urllib.error.HTTPError:
            return process  # it answers
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{app} did not start: {log_path.read_text()[-2000:]}")


def start_redis() -> tuple[subprocess.Popen, str]:
    """A throwaway redis-server on a Unix socket; returns the process and its REDIS_URL."""
    socket = Path(tempfile.mkdtemp(prefix="sscregistry-redis-")) / "redis.sock"
    process = subprocess.Popen(
        ["redis-server", "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if socket.exists():
            return process, f"unix://{socket}"
        time.sleep(0.05)
    process.kill()
    raise SystemExit("redis-server did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


WRK_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latencies = {p: to_ms(v, u) for p, v, u in WRK_LATENCY.findall(output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": latencies.get("50", 0.0),
        "p99": latencies.get("99", 0.0),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(x) for x in socket_errors.groups()) if socket_errors else 0),
    }


SERVER_TIMING = re.compile(r"app;dur=([\d.]+)")


def server_time(url: str, headers: dict[str, str], samples: int, budget: float) -> float | None:
    """The median of the app's own time (its Server-Timing header) over requests sent one at a
    time: the time a request takes on the server, without the queueing of the load test. At most
    `samples` requests or `budget` seconds. For a streamed answer (the CSV export) it is the time
    to its first rows."""
    times: list[float] = []
    deadline = time.monotonic() + budget
    while len(times) < samples and (len(times) < 3 or time.monotonic() < deadline):
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                header = response.headers.get("Server-Timing", "")
                response.read()
        except urllib.error.HTTPError as error:
            header = error.headers.get("Server-Timing", "")
        except TimeoutError:
            return None
        match = SERVER_TIMING.search(header)
        if match is None:
            return None
        times.append(float(match.group(1)))
    return statistics.median(times)


def combined(pairs: list[tuple[dict[str, float], dict[str, float]]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The app's and the baseline's figures over `--repeat` runs, each run of the app followed by
    one of the baseline: the median of each figure, errors added up, and the ratio as the median
    of each pair's ratio (a pair shares the machine's spell, which moves both by up to a third)."""
    app = {key: statistics.median(a[key] for a, _ in pairs) for key in ("rps", "p50", "p99")}
    base = {key: statistics.median(b[key] for _, b in pairs) for key in ("rps", "p50", "p99")}
    app["errors"] = sum(a["errors"] for a, _ in pairs)
    base["errors"] = sum(b["errors"] for _, b in pairs)
    ratios = [a["rps"] / b["rps"] if b["rps"] else 0.0 for a, b in pairs]
    app["ratio"], app["ratios"] = statistics.median(ratios), ratios
    return app, base


def status_of(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except TimeoutError:
        return 0  # no answer within a minute: reported as a failure, and the run goes on


def wait_until_idle(base_urls: list[str], workers: int, limit: float = 300.0) -> float:
    """Wait until every worker of each server answers /healthz at once; return the seconds waited.

    wrk stops at its deadline, but a sync worker finishes the requests already queued: after a slow
    endpoint (computed facets, a deep page), minutes of them can still hold the database and the
    cores, and the next endpoint would be measured against them.
    """
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        while time.monotonic() - start < limit:
            probes = [f"{url}/healthz" for url in base_urls for _ in range(workers)]
            began = time.monotonic()
            statuses = list(pool.map(lambda url: status_of(url, {}), probes))
            if all(status == 200 for status in statuses) and time.monotonic() - began < 1.0:
                break
            time.sleep(0.5)
    return time.monotonic() - start


def worker_rss_mb(process: subprocess.Popen) -> float:
    import psutil

    children = psutil.Process(process.pid).children(recursive=True)
    return max((c.memory_info().rss for c in children), default=0) / 1024 / 1024


def load_averages() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    import psutil

    memory = psutil.virtual_memory().total / 1024**3
    system = f"{platform.platform()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {system}"


def dataset_counts(env: dict[str, str]) -> str:
    code = (
        "from partnerships.models import Partnership, Partner; from events.models import Event; "
        "from reports.models import Publication; "
        "print(', '.join(f'{m.__name__}: {m.objects.count():,} "
        "({m.objects.published().count():,} published)' "
        "for m in (Partner, Partnership, Event, Publication)))"
    )
    output = subprocess.run(
        [PY, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout.strip()
    return output.splitlines()[-1] if output else "unknown"  # after the shell's own banner


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="CI mode: short runs, checks only")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="runs of each endpoint, app and baseline in turn; the report gives medians and each "
        "pair's ratio (figures on a shared 2-core machine move by a third between runs)",
    )
    parser.add_argument("--suffix", default="", help="added to the report's file name, e.g. -after")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="drive only the endpoints whose name contains NAME (repeatable), e.g. --only list --only 304",
    )
    parser.add_argument(
        "--cache",
        choices=["none", "redis"],
        default="none",
        help="none (default): every request computed, as the baseline does; redis: a throwaway "
        "redis-server as the shared cache (REDIS_URL), as production runs, so that repeated anonymous "
        "requests are answered from cached responses until the next write",
    )
    parser.add_argument(
        "--dbname", default="sscregistry", help="database of the embedded server, without DATABASE_URL"
    )
    args = parser.parse_args()
    seconds = 2 if args.quick else args.seconds
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    db_url = database_url(args.dbname)
    env = production_env(db_url)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    app_port, base_port = free_port(), free_port()
    capture_file = ROOT / "var" / "bench-capture.json"
    capture_file.parent.mkdir(exist_ok=True)
    captured = subprocess.run(
        [PY, str(ROOT / "bench" / "capture.py")],
        cwd=ROOT,
        env=env | {"BENCH_HOST": f"127.0.0.1:{app_port}"},
        capture_output=True,
        text=True,
    )
    if captured.returncode != 0:
        raise SystemExit(captured.stderr[-3000:])
    capture_file.write_text(captured.stdout)
    capture = json.loads(captured.stdout)

    failures: list[str] = []
    counts = capture["query_counts_by_page_size"]
    if len(set(counts.values())) != 1:
        failures.append(f"query count grows with page size: {counts}")
    for name, plans in capture["search_plans"].items():
        plan = plans["plan"] if capture["large"] else plans["without_seqscan"]
        if re.search(r"Seq Scan on partnerships_partnership\b", plan):
            failures.append(f"{name}: sequential scan of partnerships_partnership\n{plan}")

    redis = None
    app_env = env
    if args.cache == "redis":
        # Only the served app: the capture above recorded the SQL of computed answers.
        redis, redis_url = start_redis()
        app_env = env | {"REDIS_URL": redis_url}
    load_before = load_averages()
    app = start_gunicorn("sscregistry.wsgi", app_port, app_env, args.workers)
    # The baseline opens its connection pool (and the pool's threads) at import: each worker must
    # import it itself, not inherit it from a preloading master.
    baseline_env = env | {"BENCH_CAPTURE": str(capture_file), "GUNICORN_PRELOAD": "false"}
    baseline = start_gunicorn("bench.baseline:application", base_port, baseline_env, args.workers)
    rows = []
    try:
        for name, entry in capture["endpoints"].items():
            if args.only and not any(part in name for part in args.only):
                continue
            if entry["status"] >= 500:
                failures.append(f"{name}: status {entry['status']} in capture")
            app_url = f"http://127.0.0.1:{app_port}{entry['path']}"
            status = status_of(app_url, entry["headers"])
            if status == 0 or status >= 500 or status != entry["status"]:
                failures.append(f"{name}: answered {status} to the server, {entry['status']} to the capture")
            base_url = f"http://127.0.0.1:{base_port}{entry['path']}"
            servers = [f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{base_port}"]
            # Warm up first: every worker's first request loads URL patterns, templates and plans.
            for url in (app_url, base_url):
                wrk(url, entry["headers"], 1, args.connections)
            wait_until_idle(servers, args.workers)
            pairs = []
            for _ in range(args.repeat):
                app_run = wrk(app_url, entry["headers"], seconds, args.connections)
                wait_until_idle(servers, args.workers)
                base_run = wrk(base_url, entry["headers"], seconds, args.connections)
                wait_until_idle(servers, args.workers)
                pairs.append((app_run, base_run))
            result, base = combined(pairs)
            result["server_p50"] = server_time(app_url, entry["headers"], 5 if args.quick else 30, 5.0)
            wait_until_idle(servers, args.workers)
            if entry["status"] in (200, 304) and result["errors"]:
                failures.append(f"{name}: {result['errors']} error responses under load")
            if entry["status"] in (200, 304) and base["errors"]:
                failures.append(f"{name}: the baseline answered {base['errors']} errors: no comparison")
            rows.append((name, entry, result, base))
            print(
                f"{name:32} {result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  "
                f"p99 {result['p99']:7.1f} ms  server p50 {result['server_p50'] or 0:6.1f} ms"
                f"  baseline {base['rps']:8.1f} req/s  p99 {base['p99']:7.1f} ms"
                f"  ratio {result['ratio']:.2f}",
                flush=True,
            )
        rss = worker_rss_mb(app)
        load_after = load_averages()
    finally:
        stop(app)
        stop(baseline)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)

    report = [
        f"# Benchmark {datetime.date.today().isoformat()}{' (quick)' if args.quick else ''}",
        "",
        f"- Machine: {machine()}",
        f"- Load averages (1, 5, 15 min) before / after the run: {load_before} / {load_after}; other "
        "processes share the machine, so figures are disturbed when these exceed the core count",
        f"- Data: {dataset_counts(env)}",
        f"- Load: wrk, 2 threads, {args.connections} connections, {seconds} s per endpoint, on loopback; "
        f"gunicorn with {args.workers} workers for the app and for the baseline",
        (
            f"- Runs: {args.repeat} of each endpoint, app and baseline in turn; figures are medians, "
            "the ratio is the median of each pair's ratio, with every pair's ratio in brackets"
            if args.repeat > 1
            else "- Runs: one of each endpoint (`--repeat N` gives medians of N)"
        ),
        "- App cache: "
        + (
            "Redis (REDIS_URL): anonymous API answers and pages kept until the next write, so a "
            "repeated request is a cache hit; the baseline still runs its SQL every time"
            if args.cache == "redis"
            else "no Redis: every answer computed, except facet counts, list counts, search decisions "
            "and the first thousand ranked ids of a search with 2,000 matches or more, kept until the "
            "next write in each worker and in the database's shared cache table; compiled queries "
            "are kept per worker (API_COMPILED_QUERIES), their SQL runs on every request, as a prepared "
            "statement from its sixth run on a connection (API_PREPARED_STATEMENTS)"
        ),
        f"- Largest app worker after the run: {rss:.0f} MB resident",
        "- Queries per list request at page_size 1 / 20 / 100: "
        f"{counts['1']} / {counts['20']} / {counts['100']}",
        "- Server p50: the median of the app's own time per request (its Server-Timing header) over "
        "up to 30 requests sent one at a time after the load: no queueing; for the CSV export, the "
        "time to its first rows",
        "",
        "| endpoint | status | req/s | p50 ms | p99 ms | server p50 ms | errors | SQL queries | DB ms | "
        "baseline req/s | baseline p50 ms | baseline p99 ms | app / baseline |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, entry, result, base in rows:
        ratio = f"{result['ratio']:.2f}"
        if len(result["ratios"]) > 1:
            ratio += " (" + ", ".join(f"{r:.2f}" for r in result["ratios"]) + ")"
        server = "n/a" if result["server_p50"] is None else f"{result['server_p50']:.1f}"
        report.append(
            f"| {name} | {entry['status']} | {result['rps']:.1f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {server} | "
            f"{result['errors']} | {entry['queries']} | {entry['db_ms']} | {base['rps']:.1f} | "
            f"{base['p50']:.1f} | {base['p99']:.1f} | {ratio} |"
        )
    report += ["", "## Search plans", ""]
    for name, plans in capture["search_plans"].items():
        report += [f"### {name}", "", "```", plans["plan"], "```", ""]
    if failures:
        report += ["## Failures", "", *[f"- {f}" for f in failures]]
    text = "\n".join(report) + "\n"
    if args.quick:
        print(text)
    else:
        path = ROOT / "bench" / "results" / f"{datetime.date.today().isoformat()}{args.suffix}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        print(f"Report written to {path.relative_to(ROOT)}")
    if failures:
        print("FAILED:\n" + "\n".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
