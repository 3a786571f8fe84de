"""Production settings refuse unsafe values, pass Django's deployment checks, and log as JSON."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent
SAFE_KEY = "x" * 20 + "a-long-random-production-secret-key-for-tests-only-0123456789"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    base.setdefault("DATABASE_URL", "postgres://nobody@localhost:1/none")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base | env, capture_output=True, text=True
    )


PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": SAFE_KEY,
    "DJANGO_ALLOWED_HOSTS": "registry.example.org",
}


def test_deployment_checks_pass_in_production():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS must name"),
        ({"DJANGO_DEBUG": "maybe"}, "must be a boolean"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting(override, message):
    result = _manage("check", **(PRODUCTION | override))
    assert result.returncode != 0
    assert message in result.stderr


def test_a_database_other_than_postgresql_is_refused():
    result = _manage("check", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "must point at PostgreSQL" in result.stderr


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import DatabaseError, connection

    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_security_headers(client):
    response = client.get(reverse("home"))
    assert len(response["X-Request-ID"]) == 32
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    forwarded = client.get(reverse("home"), headers={"X-Request-ID": "abc-123-def-456"})
    assert forwarded["X-Request-ID"] == "abc-123-def-456"
    forged = client.get(reverse("home"), headers={"X-Request-ID": "<script>"})
    assert forged["X-Request-ID"] != "<script>"


@pytest.mark.django_db
def test_server_timing_is_said_only_when_turned_on(client, settings):
    settings.SERVER_TIMING = True
    timed = client.get("/api/v1/partnerships/")
    name, duration = timed["Server-Timing"].split(";dur=")
    assert name == "app" and float(duration) > 0
    settings.SERVER_TIMING = False
    assert "Server-Timing" not in client.get("/api/v1/partnerships/")


def test_server_timing_is_off_in_production_unless_asked_for():
    show = "from django.conf import settings; print(settings.SERVER_TIMING)"
    default = _manage("shell", "-c", show, **PRODUCTION)
    assert default.stdout.splitlines()[-1] == "False", default.stderr
    asked = _manage("shell", "-c", show, **PRODUCTION, SERVER_TIMING="true")
    assert asked.stdout.splitlines()[-1] == "True", asked.stderr


def test_json_log_lines_carry_the_request_id():
    from sscregistry.logs import JsonFormatter, RequestIdFilter, request_id_var

    token = request_id_var.set("req-42")
    try:
        record = logging.LogRecord("sscregistry", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello world" and line["request_id"] == "req-42" and line["level"] == "INFO"
