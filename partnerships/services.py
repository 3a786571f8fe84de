"""Writes that change a record's workflow state. Admin actions and the API call these."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from .base import PublishableModel, Status


@transaction.atomic
def record_publish(*, record: PublishableModel, user: AbstractBaseUser | AnonymousUser | None) -> None:
    """Publish `record`, keeping the time it was first published."""
    record.mark_published()
    if user is not None and user.is_authenticated:
        record.updated_by = user
    record.save()


@transaction.atomic
def record_unpublish(*, record: PublishableModel, user: AbstractBaseUser | AnonymousUser | None) -> None:
    """Take `record` off the public site by returning it to draft."""
    record.status = Status.DRAFT
    if user is not None and user.is_authenticated:
        record.updated_by = user
    record.save()
