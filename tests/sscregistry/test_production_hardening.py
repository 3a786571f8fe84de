"""Production details: the health check over plain HTTP, HSTS preload only when asked for, the login
lockout (per address too, with Retry-After), private backups, a 404 page that links nowhere else, and
bandit over every package of ours."""

from __future__ import annotations

import io
import json
import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tests.sscregistry.test_production import PRODUCTION, ROOT, _manage

# Requests made with the test client inside a production process (no database: the health check
# answers 503 "down" there, which is still the health check answering).
_PROBE = """
import json
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="registry.example.org")
plain = client.get("/healthz")
page = client.get("/partners/")
tls = client.get("/healthz", secure=True)
print(json.dumps({
    "healthz": [plain.status_code, plain.get("Location")],
    "page": [page.status_code, page.get("Location")],
    "hsts": tls.get("Strict-Transport-Security"),
    "preload": settings.SECURE_HSTS_PRELOAD,
}))
"""


def _probe(**env: str) -> dict:
    result = _manage("shell", "-c", _PROBE, **PRODUCTION, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_health_check_answers_over_plain_http_in_production():
    probe = _probe()
    status, location = probe["healthz"]
    assert status in (200, 503) and location is None  # the check itself, not a redirect to https
    assert probe["page"] == [301, "https://registry.example.org/partners/"]  # everything else moves


def test_hsts_preload_is_off_unless_asked_for():
    default = _probe()
    assert default["preload"] is False
    assert default["hsts"] == "max-age=31536000; includeSubDomains"
    asked = _probe(DJANGO_HSTS_PRELOAD="true")
    assert asked["preload"] is True and asked["hsts"].endswith("; preload")
    checked = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_HSTS_PRELOAD="true"
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


PASSWORD = "a-long-curator-password"


def _login(client, username: str, password: str = "wrong"):
    form = {"username": username, "password": password, "next": "/admin/"}
    return client.post(reverse("admin:login"), form)


@pytest.mark.django_db
def test_a_lockout_says_when_to_retry(client):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    for _ in range(5):
        _login(client, "curator")
    locked = _login(client, "curator", PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "3600"  # AXES_COOLOFF_HOURS, in seconds
    assert "Retry-After" not in _login(client, "someone-else")  # not locked: no header


@pytest.mark.django_db
def test_one_address_trying_many_usernames_is_locked(client, settings):
    User.objects.create_user("curator", password=PASSWORD, is_staff=True)
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    for n in range(19):
        assert _login(client, f"guess-{n}").status_code == 200  # one try each: no username is locked
    assert _login(client, "curator", PASSWORD).status_code == 302  # 19 failures: the address may still
    client.logout()
    for n in range(20):
        _login(client, f"guess-{n}")
    locked = _login(client, "curator", PASSWORD)
    assert locked.status_code == 429 and locked["Retry-After"] == "3600"
    # Another address is not affected.
    assert _login(client.__class__(REMOTE_ADDR="192.0.2.7"), "curator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_backups_are_readable_by_their_owner_only(tmp_path):
    folder = tmp_path / "backups"
    dump = folder / "registry.dump"
    folder.mkdir()
    stale = folder / "registry.dump.partial"  # left by an interrupted run, with the usual mode
    stale.write_bytes(b"")
    stale.chmod(0o644)
    call_command("backup", "--output", str(dump), stdout=io.StringIO())
    assert dump.stat().st_mode & 0o777 == 0o600
    fresh = tmp_path / "new" / "registry.dump"
    call_command("backup", "--output", str(fresh), stdout=io.StringIO())
    assert fresh.stat().st_mode & 0o777 == 0o600
    assert fresh.parent.stat().st_mode & 0o777 == 0o700


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag in ("a", "link") and href is not None:
            self.hrefs.append(href)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["//evil.example/login", "/\\evil.example", "///evil.example/login"])
def test_the_404_page_links_to_no_other_site(client, path):
    # PATH_INFO as a server passes it on (`/%2F%2Fevil.example` arrives as `///evil.example`); the
    # test client would read a leading `//` as a host name.
    response = client.get("/", PATH_INFO=path)
    assert response.status_code == 404
    links = _Links()
    links.feed(response.content.decode())
    assert links.hrefs
    for href in links.hrefs:
        assert url_has_allowed_host_and_scheme(href, allowed_hosts={"testserver"}), href
    languages = re.findall(r'<a href="([^"]*)" hreflang="\w+"', response.content.decode())
    assert len(languages) == 3
    if path.startswith("//"):
        assert languages == ["/", "/fr/", "/es/"]  # the home page in each language


def test_bandit_covers_every_package_of_ours_and_finds_nothing():
    audit = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "bin/bandit" in line)
    arguments = shlex.split(audit.strip())[1:]
    assert {"sscregistry", "partnerships", "events", "reports", "curation"} <= set(arguments)
    result = subprocess.run(
        [sys.executable, "-m", "bandit", *arguments], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]
