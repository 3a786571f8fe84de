"""Read replicas: reads go to a replica, writes to the primary, and once a request has written,
its later reads go to the primary too (a replica may not have the write yet).

Active when `DATABASE_REPLICA_URLS` names replicas (settings.py adds them as `replica1`, ...).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

PRIMARY = "default"

_wrote: ContextVar[bool] = ContextVar("sscregistry_wrote_to_primary", default=False)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class PrimaryReplicaRouter:
    def __init__(self, replicas: list[str] | None = None) -> None:
        self.replicas = replica_aliases() if replicas is None else replicas

    def db_for_read(self, model: type, **hints: Any) -> str:
        if _wrote.get() or not self.replicas:
            return PRIMARY
        # Spreading reads, not security: any replica will do.
        return random.choice(self.replicas)  # nosec B311

    def db_for_write(self, model: type, **hints: Any) -> str:
        # The database cache's rows (settings.CACHES["shared"]) are not records: keeping a figure
        # does not make the request's later reads wait for the primary.
        if model._meta.app_label != "django_cache":
            _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # replicas hold the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReadAfterWriteMiddleware:
    """Each request starts reading from the replicas again, whatever the previous one wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _wrote.set(False)
        try:
            return self.get_response(request)
        finally:
            _wrote.reset(token)
