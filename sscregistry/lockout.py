"""The login lockout's two counts (django-axes, `AXES_LOCKOUT_PARAMETERS`).

A username from one address is locked after `AXES_FAILURE_LIMIT` failures (5), as before; an
address, whatever usernames it tries, after `AXES_ADDRESS_FAILURE_LIMIT` failures (20), so that
one client cannot try a password on every curator's name. The address limit is the higher one so
that curators behind one office's address do not lock each other out by mistyping; a username
alone is never locked, which would let anyone lock a curator out from anywhere.

django-axes compares one limit with the largest count among the lockout parameters, so the
address joins the parameters only once its own count reaches its limit.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

PAIR = ["username", "ip_address"]
ADDRESS = ["ip_address"]


def lockout_parameters(request_or_attempt: Any, credentials: dict | None = None) -> list[list[str]]:
    """The username and address together; and the address alone once it has failed too often."""
    address = getattr(request_or_attempt, "axes_ip_address", None) or getattr(
        request_or_attempt, "ip_address", None
    )
    if address and address_failures(address, request_or_attempt) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
        return [PAIR, ADDRESS]
    return [PAIR]


def address_failures(address: str, request: Any = None) -> int:
    """Failed logins from `address`, for every username, within the cool-off time."""
    attempts = AccessAttempt.objects.filter(ip_address=address)
    cool_off = get_cool_off(request)
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
