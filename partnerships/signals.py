"""Partnership rules kept by signals: a partnership's goals include its targets' goals."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed

from .models import Partnership


def _keep_implied_goals(instance: models.Model, action: str, reverse: bool, **kwargs: Any) -> None:
    """A goal unlinked from a partnership comes back while one of its targets stays linked.

    The other half of the rule (linking a target links its goal) is a database trigger
    (`partnerships/migrations/0001_initial.py`): together, a partnership's goals always include its
    targets' goals.
    """
    if action not in ("post_remove", "post_clear"):
        return
    partnerships = [instance.pk] if not reverse else list(kwargs.get("pk_set") or [])
    for partnership in Partnership.objects.filter(pk__in=partnerships):
        implied = set(partnership.sdg_targets.values_list("goal_id", flat=True))
        missing = implied - set(partnership.sdgs.values_list("pk", flat=True))
        if missing:
            partnership.sdgs.add(*missing)


def register() -> None:
    """Connect the receivers above. Called once from PartnershipsConfig.ready()."""
    m2m_changed.connect(
        _keep_implied_goals, sender=Partnership.sdgs.through, dispatch_uid="sdg-implied-goals"
    )
