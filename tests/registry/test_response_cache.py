"""Anonymous API reads are cached (Redis in production) and a write makes them stale."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from partnerships.models import Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def answers_cached(settings, django_capture_on_commit_callbacks) -> None:
    settings.API_RESPONSE_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):  # a recorded write, as in production
        PartnershipFactory(slug="first", title="First exchange")


def _titles(response) -> list[str]:
    return [row["title"] for row in response.json()["results"]]


def test_a_repeated_anonymous_read_is_answered_from_the_cache(api, answers_cached, django_assert_num_queries):
    for url in ("/api/v1/partnerships/?page_size=5", "/api/v1/partnerships/first/"):
        first = api.get(url)
        with django_assert_num_queries(1):  # the registry's last write, to name the answer
            again = api.get(url)
        assert again.status_code == 200
        assert again.content == first.content
        assert again["Content-Type"] == first["Content-Type"]
        assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]
        assert again["Vary"] == first["Vary"]


def test_publishing_is_seen_at_once(api, answers_cached, django_capture_on_commit_callbacks):
    url = "/api/v1/partnerships/"
    assert _titles(api.get(url)) == ["First exchange"]
    draft = PartnershipFactory(slug="second", title="Second exchange", draft=True)
    with django_capture_on_commit_callbacks(execute=True):
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert sorted(_titles(api.get(url))) == ["First exchange", "Second exchange"]


def test_only_anonymous_json_answers_are_cached(api, answers_cached, curator):
    """Signed-in readers are not served a shared copy (nor leave one), nor is the browsable API,
    whose HTML carries a CSRF token."""

    def stored() -> set[str]:
        return {key for key in caches["default"]._cache if "api-answer" in key}

    url = "/api/v1/partnerships/first/"
    signed_in = APIClient()
    signed_in.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=curator).key}")
    assert signed_in.get(url).status_code == 200
    assert api.get(url, HTTP_ACCEPT="text/html").status_code == 200
    assert stored() == set()
    assert api.get(url).status_code == 200
    assert len(stored()) == 1
    assert signed_in.get(url).status_code == 200
    assert len(stored()) == 1


def test_off_by_default_without_redis(api, settings, django_capture_on_commit_callbacks):
    assert settings.API_RESPONSE_CACHE_SECONDS == 0
    with django_capture_on_commit_callbacks(execute=True):
        PartnershipFactory(slug="p")
    api.get("/api/v1/partnerships/")
    Partnership.objects.update(title="Changed without a recorded write")
    assert _titles(api.get("/api/v1/partnerships/")) == ["Changed without a recorded write"]


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway Redis server on a Unix socket (Debian's redis-server; .ci/run installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server): shared-cache test skipped")
    socket = tmp_path / "redis.sock"
    server = subprocess.Popen(  # noqa: S603 (a fixed binary and arguments)
        [binary, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_cache_is_shared_through_redis(api, settings, redis_url, django_capture_on_commit_callbacks):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    settings.SHARED_CACHE = "default"  # the only cache (a detail's similar records are cached too)
    settings.API_RESPONSE_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):
        PartnershipFactory(slug="p", title="Shared exchange")
    first = api.get("/api/v1/partnerships/p/")
    stored = [key for key in caches["default"]._cache.get_client().keys("*") if b"api-answer" in key]
    assert len(stored) == 1
    # Another server (here: the same client after its own memory is gone) finds the answer in Redis.
    caches["default"].close()
    assert api.get("/api/v1/partnerships/p/").content == first.content
