"""Writes that span rows: workflow transitions and reverting to an earlier version.

These functions are the only way a record's status changes. The admin's actions and buttons call
them, and so will the API: each checks the acting user's permission, records who and when, and runs
in one transaction. History is recorded by database triggers (see `registry.workflow.track_history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from registry.workflow import SEARCH_FIELDS, PublishableModel, Status

# Who acts: a curator (the user model, AUTH_USER_MODEL's default), the anonymous public, or nobody.
User = AuthUser | AnonymousUser | None


class TransitionNotAllowed(Exception):
    """The record is not in a state the transition starts from, or a required reason is missing."""


class SecondReviewerRequired(PermissionDenied):
    """The publisher is the record's author: someone else must publish it (REQUIRE_SECOND_REVIEWER).

    A PermissionDenied, so every caller that refuses a transition the user may not apply (the
    admin's buttons and bulk actions, the API's 403) refuses this one with its message.
    """


@dataclass(frozen=True)
class Transition:
    """One move of the workflow: from which states, to which, and the permission it needs."""

    name: str
    label: str
    sources: frozenset[str]
    target: str
    permission: str
    done: str = ""  # what the records are once moved, for messages: "published"
    needs_reason: bool = False


_D, _R, _P, _A = Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # name, label, from, to, the permission it needs, what the records are once moved
        Transition("submit", "Submit for review", frozenset({_D}), _R, "submit", "submitted"),
        Transition("publish", "Publish", frozenset({_D, _R, _A}), _P, "publish", "published"),
        Transition(
            "return_to_draft", "Return to draft", frozenset({_R}), _D, "publish", "returned to draft", True
        ),
        Transition("unpublish", "Unpublish", frozenset({_P}), _D, "publish", "unpublished"),
        Transition("archive", "Archive", frozenset({_D, _R, _P}), _A, "archive", "archived"),
        Transition("restore", "Restore to draft", frozenset({_A}), _D, "archive", "restored"),
    ]
}

# Fields the workflow owns, in the order the admin shows them: edits, imports and reverts never
# write them.
WORKFLOW_FIELDS = (
    "status",
    "published_at",
    "submitted_at",
    "submitted_by",
    "last_reviewed_at",
    "last_reviewed_by",
    "review_note",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
)


def permission_name(model: type[models.Model] | models.Model, action: str) -> str:
    """'partnerships.publish_partner' for (Partner, 'publish')."""
    opts = model._meta
    return f"{opts.app_label}.{action}_{opts.model_name}"


def user_can(user: User, model: type[models.Model] | models.Model, action: str) -> bool:
    return user is not None and user.is_active and user.has_perm(permission_name(model, action))


def user_can_transition(user: User, record: PublishableModel, transition: str) -> bool:
    """True if `user` may apply `transition` to `record` in its current state."""
    t = TRANSITIONS[transition]
    return record.status in t.sources and user_can(user, record, t.permission)


def user_can_edit(user: User, record: PublishableModel) -> bool:
    """Contributors edit drafts only; whoever may publish a record may also edit it in any state."""
    if not user_can(user, record, "change"):
        return False
    return record.status == Status.DRAFT or user_can(user, record, "publish")


def acting_user(user: User) -> AuthUser | None:
    return user if user is not None and user.is_authenticated else None


def second_reviewer_required() -> bool:
    """True unless the registry is run by one person (REQUIRE_SECOND_REVIEWER=false)."""
    return getattr(settings, "REQUIRE_SECOND_REVIEWER", True)


def authored_by(record: PublishableModel, user: User) -> bool:
    """True if `user` submitted `record` for review or created it: its author, for the publish rule.

    Records proposed on the public site, made by the seed loader or by a migration have neither,
    so any curator may publish them.
    """
    actor = acting_user(user)
    return actor is not None and actor.pk in {record.submitted_by_id, record.created_by_id}


def _check_second_reviewer(record: PublishableModel, current: PublishableModel, user: User) -> None:
    if second_reviewer_required() and authored_by(current, user):
        raise SecondReviewerRequired(
            f"You submitted or created “{record}”, so another curator must publish it: every record "
            "is checked by a second pair of eyes (REQUIRE_SECOND_REVIEWER)."
        )


def publish_warnings(record: PublishableModel) -> list[str]:
    """What a curator should know after publishing `record`: a record with no source, and what the
    record's own type adds (`PublishableModel.publish_warnings`: a partnership names participants
    the public cannot see).

    The site promises that every record links to its sources, so a record published without one is
    named.
    """
    from registry.models import SourceLink

    warnings = []
    content_type = ContentType.objects.get_for_model(record)
    if not SourceLink.objects.filter(content_type=content_type, object_id=record.pk).exists():
        warnings.append(
            f"“{record}” has no source: the public page promises that every record links to where "
            "its facts come from. Add one on its page."
        )
    return warnings + record.publish_warnings()


def _apply(record: PublishableModel, t: Transition, user: User, reason: str) -> PublishableModel:
    """Move `record` along `t`, writing only the workflow fields (concurrent edits are kept)."""
    current = (
        type(record)
        ._default_manager.select_for_update()
        .only("status", "version", "submitted_by_id", "created_by_id")
        .get(pk=record.pk)
    )
    if current.status not in t.sources:
        raise TransitionNotAllowed(
            f"“{record}” is {Status(current.status).label.lower()}; it cannot be {t.done} from that state."
        )
    if t.name == "publish":
        # Read from the locked row: a submit by the same person a moment ago counts.
        _check_second_reviewer(record, current, user)
    reason = reason.strip()
    if t.needs_reason and not reason:
        raise TransitionNotAllowed(f"Say why “{record}” is being {t.done}: the contributor will see it.")
    now = timezone.now()
    actor = acting_user(user)
    record.status = t.target
    fields = ["status", "updated_at", "updated_by"]
    if t.name == "submit":
        record.submitted_at, record.submitted_by = now, actor
        record.review_note = ""
        fields += ["submitted_at", "submitted_by", "review_note"]
    elif t.name == "publish":
        record.mark_published(now)
        record.last_reviewed_at, record.last_reviewed_by = now, actor
        record.review_note = ""
        fields += ["published_at", "last_reviewed_at", "last_reviewed_by", "review_note"]
    elif t.name in ("return_to_draft", "unpublish", "archive", "restore") and (reason or t.needs_reason):
        record.review_note = reason
        fields.append("review_note")
    record.updated_by = actor
    record.version = current.version
    record.save(update_fields=fields)
    return record


@transaction.atomic
def record_transition(
    *,
    record: PublishableModel,
    transition: str,
    user: User,
    reason: str = "",
    expected_version: int | str | None = None,
) -> PublishableModel:
    """Apply the named transition, checking the user's permission and the record's state.

    Raises PermissionDenied (SecondReviewerRequired when the publisher is the record's author),
    TransitionNotAllowed, or StaleRecordError when `expected_version` (a version number or ETag,
    as the API's If-Match gives it) is no longer current.
    """
    t = TRANSITIONS[transition]
    if not user_can(user, record, t.permission):
        raise PermissionDenied(f"You may not {t.label.lower()} {record._meta.verbose_name_plural}.")
    record.check_version(expected_version)
    return _apply(record, t, user, reason)


def record_submit(*, record: PublishableModel, user: User) -> PublishableModel:
    """Send a draft to the curators' review queue."""
    return record_transition(record=record, transition="submit", user=user)


def record_publish(*, record: PublishableModel, user: User) -> PublishableModel:
    """Publish `record`, keeping the time it was first published; counts as a review.

    Unless REQUIRE_SECOND_REVIEWER is off, whoever submitted or created the record may not publish it.
    """
    return record_transition(record=record, transition="publish", user=user)


def record_return_to_draft(*, record: PublishableModel, user: User, reason: str) -> PublishableModel:
    """Send a record in review back to its author, saying why."""
    return record_transition(record=record, transition="return_to_draft", user=user, reason=reason)


def record_unpublish(*, record: PublishableModel, user: User, reason: str = "") -> PublishableModel:
    """Take `record` off the public site by returning it to draft."""
    return record_transition(record=record, transition="unpublish", user=user, reason=reason)


def record_archive(*, record: PublishableModel, user: User, reason: str = "") -> PublishableModel:
    """Retire `record`: it leaves the public site and the queues but keeps its history."""
    return record_transition(record=record, transition="archive", user=user, reason=reason)


def record_restore(*, record: PublishableModel, user: User) -> PublishableModel:
    """Bring an archived record back as a draft."""
    return record_transition(record=record, transition="restore", user=user)


@transaction.atomic
def record_propose(*, record: PublishableModel) -> PublishableModel:
    """Put a record proposed on the public site into review.

    The only transition without a user: the public form is its own (rate-limited) permission,
    and it can do nothing but submit.
    """
    return _apply(record, TRANSITIONS["submit"], None, "")


@transaction.atomic
def record_mark_reviewed(*, record: PublishableModel, user: User) -> PublishableModel:
    """Confirm a published record is still accurate: it leaves the 'not reviewed' lists."""
    if not user_can(user, record, "publish"):
        raise PermissionDenied(f"You may not review {record._meta.verbose_name_plural}.")
    current = type(record)._default_manager.select_for_update().only("version").get(pk=record.pk)
    record.last_reviewed_at = timezone.now()
    record.last_reviewed_by = acting_user(user)
    record.updated_by = acting_user(user)
    record.version = current.version
    record.save(update_fields=["last_reviewed_at", "last_reviewed_by", "updated_at", "updated_by"])
    return record


def revertible_fields(model: type[models.Model]) -> list[models.Field]:
    """The record's own content fields: what a revert restores (never its workflow state)."""
    # Search documents are derived (and not kept in history): the save after a revert rewrites them.
    skipped = {*WORKFLOW_FIELDS, *SEARCH_FIELDS}
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in skipped]


@transaction.atomic
def record_revert(*, record: PublishableModel, event: Any, user: User) -> PublishableModel:
    """Restore the record's content fields to what they were after history `event`.

    The workflow state stays as it is (a revert is an edit, not a publication), and the revert is
    itself recorded in the history, so it can be undone in turn.
    """
    if not user_can_edit(user, record):
        raise PermissionDenied(f"You may not edit “{record}”.")
    if event.pgh_obj_id != record.pk or event.pgh_label == "delete":
        raise ValueError("That history entry is not a version of this record.")
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    for field in revertible_fields(type(record)):
        setattr(locked, field.attname, getattr(event, field.attname))
    locked.updated_by = acting_user(user)
    locked.save()
    return locked


def ensure_nothing_points_at(partner: Any) -> None:
    """Refuse the merge if any relation (including ones added after this code) still uses `partner`."""
    for relation in partner._meta.related_objects:
        related_model = relation.related_model
        if getattr(related_model, "pgh_tracked_model", None) is not None:
            continue  # history rows keep pointing at the old id on purpose
        if relation.many_to_many or relation.one_to_many or relation.one_to_one:
            accessor = relation.get_accessor_name()
            if relation.many_to_many:
                remaining = getattr(partner, accessor).exists()
            else:
                remaining = related_model._default_manager.filter(**{relation.field.name: partner}).exists()
            if remaining:
                raise RuntimeError(
                    f"Merge stopped: {related_model._meta.verbose_name_plural} still point at “{partner}” "
                    f"through {relation.field.name}. Nothing was changed."
                )
