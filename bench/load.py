"""Load test: many connections against the production set-up, counting 5xx answers and socket errors.

    .venv/bin/python bench/load.py         # 200 connections for 60 s; report to bench/results/
    .venv/bin/python bench/load.py --connections 50 --seconds 10

Like bench/run.py it serves the app with gunicorn under DJANGO_ENV=production (API throttling off)
on the database in DATABASE_URL or the embedded development one, which should hold generated data
(`manage.py generate_data --scale ...`). wrk spreads the requests over a mix of public pages and
API reads (lists, details, search, facets, feeds, sitemap). Exits with status 1 on any 5xx or
socket error.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    PY,
    ROOT,
    database_url,
    dataset_counts,
    free_port,
    machine,
    production_env,
    start_gunicorn,
    start_redis,
    status_of,
    stop,
    to_ms,
)

FIXED_PATHS = [
    "/",
    "/healthz",
    "/partnerships/",
    "/partners/",
    "/events/",
    "/publications/",
    "/partnerships/feed/",
    "/events.ics",
    "/sitemap.xml",
    "/api/v1/",
    "/api/v1/partnerships/",
    "/api/v1/partnerships/?q=south-south",
    "/api/v1/partnerships/?q=kigli",
    "/api/v1/partnerships/facets/",
    "/api/v1/partners/?page=2",
    "/api/v1/events/?when=upcoming",
    "/api/v1/publications/",
    "/api/v1/people/",
    "/api/v1/countries/",
]

# wrk's Lua hooks: rotate over the paths, and count 5xx answers per thread (summed in done()).
LUA = """
paths = {%s}
counter = 0
server_errors = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
response = function(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("server_errors") end
  io.write(string.format("server_errors %%d\\n", total))
end
"""


def sample_paths(env: dict[str, str]) -> list[str]:
    """The fixed paths plus a few detail pages of published records, found through the API."""
    code = (
        "import django; django.setup()\n"
        "from partnerships.models import Partnership, Partner\n"
        "from events.models import Event\n"
        "from reports.models import Publication\n"
        "for model, page, api in [(Partnership, '/partnerships/', 'partnerships'),"
        " (Partner, '/partners/', 'partners'), (Event, '/events/', 'events'),"
        " (Publication, '/publications/', 'publications')]:\n"
        "    for slug in model.objects.published().order_by('?').values_list('slug', flat=True)[:5]:\n"
        "        print(f'{page}{slug}/'); print(f'/api/v1/{api}/{slug}/')\n"
    )
    output = subprocess.run(
        [PY, "-c", code],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "sscregistry.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return FIXED_PATHS + output.split()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-report", action="store_true", help="Print the figures, write no file.")
    parser.add_argument(
        "--dbname", default="sscregistry", help="database of the embedded server, without DATABASE_URL"
    )
    parser.add_argument(
        "--cache",
        choices=["redis", "none"],
        default="redis" if shutil.which("redis-server") else "none",
        help="redis: a throwaway redis-server as the shared cache (REDIS_URL), as production runs; "
        "none: every request computed (default: redis when redis-server is installed)",
    )
    parser.add_argument("--suffix", default="", help="added to the report's file name, e.g. -nocache")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    env = production_env(database_url(args.dbname))
    redis = None
    if args.cache == "redis":
        redis, env["REDIS_URL"] = start_redis()
    else:
        env.pop("REDIS_URL", None)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    paths = sample_paths(env)
    port = free_port()
    app = start_gunicorn("sscregistry.wsgi", port, env, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        broken = [(p, s) for p in paths if (s := status_of(base + p, {})) >= 400]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % ", ".join(f'"{p}"' for p in paths))
        command = [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-s",
            script.name,
            base,
        ]
        output = subprocess.run(command, capture_output=True, text=True, timeout=args.seconds + 120).stdout
        os.unlink(script.name)
    finally:
        stop(app)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {
        p: to_ms(v, u) for p, v, u in re.findall(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    }
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    socket_errors = (
        dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True))
        if sockets
        else {}
    )
    server_errors = int(re.search(r"server_errors (\d+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)

    shown_command = (
        f".venv/bin/python bench/load.py --connections {args.connections} --seconds {args.seconds} "
        f"--threads {args.threads} --workers {args.workers} --dbname {args.dbname} --cache {args.cache}"
    )
    report = [
        f"# Load test {datetime.date.today().isoformat()}",
        "",
        f"- Command: `{shown_command}`",
        f"- Machine: {machine()}",
        f"- Data: {dataset_counts(env)}",
        f"- Server: gunicorn, {args.workers} workers, DJANGO_ENV=production, API_ANON_THROTTLE_RATE=off, "
        + (
            "Redis as the shared cache (anonymous pages and API answers kept until the next write)"
            if args.cache == "redis"
            else "no shared cache (every page and API answer computed)"
        ),
        f"- Load: wrk, {args.threads} threads, {args.connections} connections, {args.seconds} s, "
        f"on loopback, rotating over {len(paths)} paths (public pages, feeds, sitemap, API lists, "
        "details, search, facets)",
        "",
        "| requests | req/s | p50 ms | p90 ms | p99 ms | 5xx | other non-2xx/3xx | socket errors |",
        "|---|---|---|---|---|---|---|---|",
        f"| {requests} | {rps:.1f} | {latency.get('50', 0):.1f} | {latency.get('90', 0):.1f} | "
        f"{latency.get('99', 0):.1f} | {server_errors} | "
        f"{(int(non_2xx.group(1)) if non_2xx else 0) - server_errors} | "
        f"{sum(socket_errors.values())} {socket_errors or ''} |",
        "",
        "Paths:",
        "",
        *[f"- `{p}`" for p in paths],
    ]
    if broken:
        report += ["", "Paths answering an error before the run:", *[f"- `{p}`: {s}" for p, s in broken]]
    text = "\n".join(report) + "\n"
    print(text)
    print(output, file=sys.stderr)
    if not args.no_report:
        path = ROOT / "bench" / "results" / f"{datetime.date.today().isoformat()}-load{args.suffix}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        print(f"Report written to {path.relative_to(ROOT)}")
    failed = server_errors or sum(socket_errors.values()) or broken
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
