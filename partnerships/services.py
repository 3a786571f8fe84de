"""Writes that span rows: workflow transitions, reverting to an earlier version, merging partners.

These functions are the only way a record's status changes. The admin's actions and buttons call
them, and so will the API: each checks the acting user's permission, records who and when, and runs
in one transaction. History is recorded by database triggers (see `base.track_history`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from .base import SEARCH_FIELDS, PublishableModel, Status

User = AbstractBaseUser | AnonymousUser | None


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
    needs_reason: bool = False
    done: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit",
            "Submit for review",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            "submit",
            done="submitted",
        ),
        Transition(
            "publish",
            "Publish",
            frozenset({Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED}),
            Status.PUBLISHED,
            "publish",
            done="published",
        ),
        Transition(
            "return_to_draft",
            "Return to draft",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            "publish",
            needs_reason=True,
            done="returned to draft",
        ),
        Transition(
            "unpublish",
            "Unpublish",
            frozenset({Status.PUBLISHED}),
            Status.DRAFT,
            "publish",
            done="unpublished",
        ),
        Transition(
            "archive",
            "Archive",
            frozenset({Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED}),
            Status.ARCHIVED,
            "archive",
            done="archived",
        ),
        Transition(
            "restore",
            "Restore to draft",
            frozenset({Status.ARCHIVED}),
            Status.DRAFT,
            "archive",
            done="restored",
        ),
    ]
}

# Fields the workflow owns: edits, imports and reverts never write them.
WORKFLOW_FIELDS = frozenset(
    {
        "status",
        "published_at",
        "submitted_at",
        "submitted_by",
        "last_reviewed_at",
        "last_reviewed_by",
        "review_note",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    }
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


def _acting_user(user: User) -> AbstractBaseUser | None:
    return user if user is not None and user.is_authenticated else None


def second_reviewer_required() -> bool:
    """True unless the registry is run by one person (REQUIRE_SECOND_REVIEWER=false)."""
    return getattr(settings, "REQUIRE_SECOND_REVIEWER", True)


def authored_by(record: PublishableModel, user: User) -> bool:
    """True if `user` submitted `record` for review or created it: its author, for the publish rule.

    Records proposed on the public site, made by the seed loader or by a migration have neither,
    so any curator may publish them.
    """
    actor = _acting_user(user)
    return actor is not None and actor.pk in {record.submitted_by_id, record.created_by_id}


def _check_second_reviewer(record: PublishableModel, current: PublishableModel, user: User) -> None:
    if second_reviewer_required() and authored_by(current, user):
        raise SecondReviewerRequired(
            f"You submitted or created “{record}”, so another curator must publish it: every record "
            "is checked by a second pair of eyes (REQUIRE_SECOND_REVIEWER)."
        )


def publish_warnings(record: PublishableModel) -> list[str]:
    """What a curator should know after publishing `record`: a record with no source, and
    participants the public cannot see.

    The site promises that every record links to its sources, so a record published without one is
    named. A published partnership's page, API answer and exports leave out partners that are not
    published themselves; the curator is told which, so they can review those next.
    """
    from .models import Partner, Partnership, SourceLink

    warnings = []
    content_type = ContentType.objects.get_for_model(record)
    if not SourceLink.objects.filter(content_type=content_type, object_id=record.pk).exists():
        warnings.append(
            f"“{record}” has no source: the public page promises that every record links to where "
            "its facts come from. Add one on its page."
        )
    if not isinstance(record, Partnership):
        return warnings
    hidden = (
        Partner.objects.filter(participations__partnership=record)
        .exclude(status=Status.PUBLISHED)
        .order_by("name")
        .distinct()
    )
    names = [f"“{partner}” ({partner.get_status_display().lower()})" for partner in hidden]
    if names:
        warnings.append(
            f"“{record}” names partners that are not published: {', '.join(names)}. They are left out "
            "of its public page, the API and the exports until they are published."
        )
    return warnings


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
    actor = _acting_user(user)
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
    record.last_reviewed_by = _acting_user(user)
    record.updated_by = _acting_user(user)
    record.version = current.version
    record.save(update_fields=["last_reviewed_at", "last_reviewed_by", "updated_at", "updated_by"])
    return record


def revertible_fields(model: type[models.Model]) -> list[models.Field]:
    """The record's own content fields: what a revert restores (never its workflow state)."""
    # Search documents are derived (and not kept in history): the save after a revert rewrites them.
    skipped = WORKFLOW_FIELDS | set(SEARCH_FIELDS)
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
    locked.updated_by = _acting_user(user)
    locked.save()
    return locked


# Merging duplicate partners


@dataclass
class MergeReport:
    """What `partner_merge` moved, for the curator's message and the tests."""

    moved: dict[str, int]
    dropped_as_duplicates: dict[str, int]

    def summary(self) -> str:
        parts = [f"{count} {name}" for name, count in self.moved.items() if count]
        return ", ".join(parts) or "nothing to move"


def _move_unique(
    queryset: models.QuerySet,
    column: str,
    survivor_id: int,
    unique_with: list[str],
    report: MergeReport,
    label: str,
) -> None:
    """Point `column` of every row at the survivor, dropping rows the survivor already has."""
    moved = dropped = 0
    for row in queryset:
        clash = (
            type(row)
            ._default_manager.filter(**{column: survivor_id}, **{k: getattr(row, k) for k in unique_with})
            .exclude(pk=row.pk)
        )
        if clash.exists():
            row.delete()
            dropped += 1
        else:
            setattr(row, column, survivor_id)
            row.save()
            moved += 1
    report.moved[label] = moved
    report.dropped_as_duplicates[label] = dropped


def _move_plain_links(survivor: Any, duplicate: Any, report: MergeReport) -> None:
    """Move links in plain many-to-many tables (such as a submission's new partners)."""
    for relation in type(duplicate)._meta.related_objects:
        if not relation.many_to_many or not relation.through._meta.auto_created:
            continue
        through = relation.through
        to_partner = relation.field.m2m_reverse_field_name()
        from_other = relation.field.m2m_field_name()
        rows = through._default_manager.filter(**{to_partner: duplicate.pk})
        moved = 0
        for row in rows:
            other = getattr(row, f"{from_other}_id")
            if through._default_manager.filter(**{to_partner: survivor.pk, from_other: other}).exists():
                row.delete()
            else:
                setattr(row, f"{to_partner}_id", survivor.pk)
                row.save()
                moved += 1
        report.moved[str(relation.related_model._meta.verbose_name_plural)] = moved


@transaction.atomic
def partner_merge(*, survivor: Any, duplicate: Any, user: User) -> MergeReport:
    """Fold `duplicate` into `survivor` and delete it, leaving a permanent redirect from its slug.

    The survivor takes over every participation, event organiser role, event representation,
    publication role, series, person affiliation, child organisation, alternative name and source
    link; the duplicate's name and acronym become alternative names; empty facts (identifier,
    website, ...) are filled from the duplicate. Rows the survivor already has are dropped rather
    than duplicated. One transaction: if anything still points at the duplicate, nothing changes.
    """
    from events.models import EventOrganiser, EventParticipant
    from reports.models import PublicationOrganisation, Series

    from .models import Participation, Partner, PartnerName, PartnerRedirect, Person, SourceLink

    if not user_can(user, Partner, "merge"):
        raise PermissionDenied("You may not merge partners.")
    if survivor.pk == duplicate.pk:
        raise ValueError("A partner cannot be merged into itself.")
    # Lock both rows, in id order so that two merges cannot deadlock.
    locked = {
        p.pk: p
        for p in Partner.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]).order_by("pk")
    }
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    report = MergeReport(moved={}, dropped_as_duplicates={})

    _move_unique(
        Participation.objects.filter(partner=duplicate),
        "partner_id",
        survivor.pk,
        ["partnership_id", "role_id"],
        report,
        "participations",
    )
    _move_unique(
        EventOrganiser.objects.filter(partner=duplicate),
        "partner_id",
        survivor.pk,
        ["event_id", "role"],
        report,
        "event organiser roles",
    )
    _move_unique(
        PublicationOrganisation.objects.filter(partner=duplicate),
        "partner_id",
        survivor.pk,
        ["publication_id", "role"],
        report,
        "publication roles",
    )
    report.moved["event representatives"] = EventParticipant.objects.filter(representing=duplicate).update(
        representing=survivor
    )
    report.moved["series"] = Series.objects.filter(publisher=duplicate).update(publisher=survivor)
    report.moved["people"] = Person.objects.filter(affiliation=duplicate).update(affiliation=survivor)
    report.moved["child organisations"] = (
        Partner.objects.filter(parent=duplicate).exclude(pk=survivor.pk).update(parent=survivor)
    )
    report.moved["redirects"] = PartnerRedirect.objects.filter(partner=duplicate).update(partner=survivor)
    _move_plain_links(survivor, duplicate, report)

    # Alternative names: the duplicate's own, then its name and acronym, unless the survivor has them.
    taken = {survivor.name.casefold(), survivor.acronym.casefold()} | {
        n.casefold() for n in survivor.alternative_names.values_list("name", flat=True)
    }
    names = 0
    for alt in duplicate.alternative_names.all():
        if alt.name.casefold() in taken:
            alt.delete()
        else:
            alt.partner = survivor
            alt.save(update_fields=["partner"])
            taken.add(alt.name.casefold())
            names += 1
    for name in (duplicate.name, duplicate.acronym):
        if name and name.casefold() not in taken:
            PartnerName.objects.create(partner=survivor, name=name, kind=PartnerName.Kind.VARIANT)
            taken.add(name.casefold())
            names += 1
    report.moved["alternative names"] = names

    partner_type = ContentType.objects.get_for_model(Partner)
    _move_unique(
        SourceLink.objects.filter(content_type=partner_type, object_id=duplicate.pk),
        "object_id",
        survivor.pk,
        ["content_type_id", "url"],
        report,
        "source links",
    )

    # Facts the survivor lacks. The identifier is unique, so it leaves the duplicate first.
    filled = []
    if duplicate.identifier and not survivor.identifier:
        survivor.identifier, duplicate.identifier = duplicate.identifier, ""
        duplicate.save(update_fields=["identifier"])
        filled.append("identifier")
    for name in ("website", "description", "organisation_type_id", "country_id"):
        if getattr(duplicate, name) and not getattr(survivor, name):
            setattr(survivor, name, getattr(duplicate, name))
            filled.append(name)
    if survivor.parent_id == duplicate.pk:
        survivor.parent_id = duplicate.parent_id if duplicate.parent_id != survivor.pk else None
        filled.append("parent_id")
    survivor.updated_by = _acting_user(user)
    survivor.save()

    _ensure_nothing_points_at(duplicate)
    PartnerRedirect.objects.filter(old_slug=duplicate.slug).delete()
    PartnerRedirect.objects.create(old_slug=duplicate.slug, partner=survivor, old_name=duplicate.name)
    duplicate.delete()
    return report


def _ensure_nothing_points_at(partner: Any) -> None:
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
