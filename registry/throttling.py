"""The client's address, and the API's rate limit for anonymous clients (kept apart from
registry/rest.py, which DRF's settings could not import without a cycle)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import AnonRateThrottle


def client_address(request: HttpRequest | Any) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost of them saw (that many entries from the right of X-Forwarded-For).

    Each proxy appends the address it received the request from, so only the last
    TRUSTED_PROXY_COUNT entries were written by our own proxies; anything to their left is whatever
    the client chose to send. With no trusted proxy the header is ignored. (DRF's NUM_PROXIES and
    django-axes are set from the same count, in settings.py.) None when the request has no address
    (Django's test client signing in with force_login()), as django-axes expects.
    """
    meta = getattr(request, "META", {}) or {}
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [address.strip() for address in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if proxies > 0 and forwarded:
        # Fewer entries than proxies: the leftmost is still one a trusted proxy wrote.
        return forwarded[-min(proxies, len(forwarded))]
    return meta.get("REMOTE_ADDR") or None


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients' rate per IP address, from settings.API_ANON_THROTTLE_RATE (None: no limit).

    Read on every request rather than once at import, so that it follows the settings in tests.
    Over the limit, DRF answers 429 with `Retry-After` (the seconds `wait()` gives).
    """

    def get_rate(self) -> str | None:
        return settings.API_ANON_THROTTLE_RATE

    def get_ident(self, request: Any) -> str:
        return client_address(request) or ""
