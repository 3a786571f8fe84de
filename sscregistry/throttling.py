"""The API's rate limit for anonymous clients (kept apart from sscregistry/rest.py, which DRF's
settings could not import without a cycle)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients' rate per IP address, from settings.API_ANON_THROTTLE_RATE (None: no limit).

    Read on every request rather than once at import, so that it follows the settings in tests.
    """

    def get_rate(self) -> str | None:
        return settings.API_ANON_THROTTLE_RATE
