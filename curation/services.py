"""Turning a public proposal into records in review, and telling the curators."""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from events.models import Event, EventOrganiser
from partnerships import matching
from partnerships.models import Participation, Partner, Partnership
from registry.groups import CURATORS
from registry.models import SourceLink
from registry.services import record_propose
from registry.workflow import Status

from .models import Submission

logger = logging.getLogger(__name__)

PROPOSED_NOTE = "Proposed on the public site; not yet checked by a curator."


def _partners_for(chosen: list[Partner], typed: list[str]) -> tuple[list[Partner], list[Partner]]:
    """The chosen partners plus the typed ones: an exact name match is reused, others become drafts."""
    partners = list(chosen)
    created = []
    for name in typed:
        # The one matcher (partnerships.matching): a name, alias, acronym or identifier that surely
        # names a partner, drafts included, reuses it rather than making a duplicate.
        try:
            existing = matching.chosen(name, partners=Partner.objects.all())
        except ValidationError:
            existing = None
        if existing is None:
            existing = Partner(name=name, status=Status.DRAFT, description=PROPOSED_NOTE)
            existing.full_clean()
            existing.save()
            created.append(existing)
        if existing not in partners:
            partners.append(existing)
    return partners, created


def _source(record: Any, url: str) -> None:
    SourceLink.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        url=url,
        title="Source given by the submitter",
    )


@transaction.atomic
def submission_create_partnership(*, data: dict, base_url: str = "") -> Submission:
    """Create a partnership in review (and draft partners for typed names) from a public proposal."""
    partners, created = _partners_for(data["partners"], data["new_partners"])
    partnership = Partnership(
        title=data["title"],
        description=data["description"],
        language=data.get("language") or "en",
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
    )
    partnership.full_clean()
    partnership.save()
    for partner in partners:
        Participation.objects.create(partnership=partnership, partner=partner)
    partnership.sdgs.set(data.get("sdgs") or [])
    partnership.countries.set(data.get("countries") or [])
    if data.get("platform"):
        partnership.platforms.set([data["platform"]])
    return _submitted(partnership, Submission.Kind.PARTNERSHIP, data, created, base_url)


@transaction.atomic
def submission_create_event(*, data: dict, base_url: str = "") -> Submission:
    """Create an event in review (and draft partners for typed organiser names) from a public proposal."""
    partners, created = _partners_for(data["partners"], data["new_partners"])
    zone = zoneinfo.ZoneInfo(data["timezone"])
    start_day = data["start_date"]
    end_day = data.get("end_date") or start_day
    event = Event(
        title=data["title"],
        description=data["description"],
        language=data.get("language") or "en",
        event_type=data["event_type"],
        start=datetime.datetime.combine(start_day, datetime.time.min, tzinfo=zone),
        end=datetime.datetime.combine(end_day, datetime.time(23, 59), tzinfo=zone),
        timezone=data["timezone"],
        all_day=True,
        attendance_mode=data["attendance_mode"],
        city=data.get("city", ""),
        country=data.get("country"),
    )
    event.full_clean()
    event.save()
    for partner in partners:
        EventOrganiser.objects.create(event=event, partner=partner)
    return _submitted(event, Submission.Kind.EVENT, data, created, base_url)


def _submitted(record: Any, kind: str, data: dict, new_partners: list, base_url: str) -> Submission:
    """Put a proposed record in review with its source, and keep who proposed it (the Submission
    links the record by the field its kind names) and the draft partners it made."""
    _source(record, data["source_url"])
    record_propose(record=record)
    submission = Submission.objects.create(
        kind=kind,
        **{str(kind): record},
        submitter_name=data["submitter_name"],
        submitter_email=data["submitter_email"],
    )
    submission.new_partners.set(new_partners)
    transaction.on_commit(lambda: notify_curators_safely(submission, base_url=base_url))
    return submission


def curator_emails() -> list[str]:
    """Who hears of new proposals: active curators with an e-mail, and CURATION_NOTIFY_EMAILS."""
    users = get_user_model()._default_manager.filter(is_active=True, groups__name=CURATORS).exclude(email="")
    emails = list(users.values_list("email", flat=True).distinct())
    return sorted(set(emails) | set(settings.CURATION_NOTIFY_EMAILS))


def notify_curators_safely(submission: Submission, *, base_url: str = "") -> int:
    """Tell the curators, after the proposal is stored: a mail that fails never fails the request.

    The proposal waits in the review queue whatever happens to the mail, so a failure is logged
    (with the submission's id) and the visitor still gets their answer.
    """
    try:
        return notify_curators(submission, base_url=base_url)
    except Exception:
        logger.exception("The curators could not be told of submission %s", submission.pk)
        return 0


def notify_curators(submission: Submission, *, base_url: str = "") -> int:
    """E-mail the curators that a proposal waits in the review queue. Returns the number of mails sent."""
    recipients = curator_emails()
    if not recipients:
        return 0
    record = submission.record
    admin_url = base_url + reverse(
        f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk]
    )
    new_partners = ", ".join(str(p) for p in submission.new_partners.all()) or "none"
    body = (
        f"A visitor proposed a {submission.get_kind_display().lower()} on the public site.\n\n"
        f"Title: {record}\n"
        f"Proposed by: {submission.submitter_name} <{submission.submitter_email}> (private)\n"
        f"New draft partners: {new_partners}\n\n"
        f"Review it: {admin_url}\n"
        f"Review queue: {base_url}{reverse('admin:review_queue')}\n"
    )
    # One line, whatever the title holds: a header never carries a line break.
    title = " ".join(str(record).split())
    return send_mail(
        subject=f"[SSC Registry] New {submission.get_kind_display().lower()} proposal: {title}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
