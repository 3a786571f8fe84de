"""Responses score 100 or more by the Mozilla HTTP Observatory's rules under production settings."""

import pytest
from django.urls import reverse

from tests.observatory import score


@pytest.fixture
def production_headers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/partnerships/", "/events/", "/admin/login/", "/healthz"])
def test_pages_score_at_least_100(client, production_headers, path):
    response = client.get(path, secure=True)
    total, results = score(response)
    assert total >= 100, results
    assert results["content-security-policy"][1] > 0


@pytest.mark.django_db
def test_login_cookies_are_secure_httponly_and_samesite(client, production_headers):
    response = client.get(reverse("admin:login"), secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    total, results = score(response)
    assert results["cookies"] == ("cookies-secure-with-httponly-sessions-and-samesite", 5)
    assert total >= 105


def test_the_scorer_penalises_what_it_should():
    class Response:
        cookies = {}

        def __init__(self, headers):
            self.headers = headers

    assert score(Response({}))[0] < 50
    unsafe = Response({"Content-Security-Policy": "script-src 'self' 'unsafe-inline'"})
    assert score(unsafe)[1]["content-security-policy"][1] == -20
