"""History: every write path is recorded with who and what, and a curator can go back."""

from __future__ import annotations

import pghistory
import pytest
from django.urls import reverse

from partnerships import services as merging
from partnerships.models import Participation, Partner, Partnership
from registry import services
from registry.history import record_history
from registry.workflow import Status

pytestmark = pytest.mark.django_db


def _changes(record, field_name: str) -> list:
    """(user, old, new) for every recorded update of `field_name` (its verbose name), newest first."""
    found = []
    for group in record_history(record):
        for entry in group.entries:
            if entry.label != "changed":
                continue
            for change in entry.changes:
                if change.name == field_name:
                    found.append((group.user, change.old, change.new))
    return found


def test_admin_form_edits_are_recorded_with_the_user(client_as, curator, make_partnership):
    record = make_partnership("Green economy cooperation", summary="First summary")
    client = client_as(curator)
    url = reverse("admin:partnerships_partnership_change", args=[record.pk])
    from tests.registry.test_workflow import _change_form_data

    response = client.post(url, _change_form_data(client.get(url), summary="Second summary"))

    assert response.status_code == 302
    assert _changes(record, "summary") == [(curator, "First summary", "Second summary")]


def test_inline_rows_are_recorded_in_the_records_history(curator, make_partnership, make_partner):
    record = make_partnership()
    partner = make_partner("World Green Economy Organization", acronym="WGEO")
    with pghistory.context(user=curator.pk):
        Participation.objects.create(partnership=record, partner=partner)
        record.sdgs.set([17])

    subjects = [(e.subject, e.label) for g in record_history(record) for e in g.entries]
    assert ("participation: World Green Economy Organization (WGEO)", "added") in subjects
    assert any(
        subject.startswith("partnership-sdg relationship") or "SDG 17" in subject for subject, _ in subjects
    )


def test_bulk_actions_and_transitions_are_recorded(client_as, curator, make_partnership, settings):
    settings.REQUIRE_SECOND_REVIEWER = False  # one curator submits and publishes (test_publish_rules.py)
    record = make_partnership()
    services.record_submit(record=record, user=curator)
    client_as(curator).post(
        reverse("admin:partnerships_partnership_changelist"),
        {"action": "publish_selected", "_selected_action": [record.pk]},
    )
    statuses = _changes(record, "status")
    assert (curator, "In review", "Published") in statuses
    assert statuses[-1][1:] == ("Draft", "In review")


def test_queryset_update_is_recorded(curator, make_partnership):
    record = make_partnership(summary="Before")
    with pghistory.context(user=curator.pk):
        Partnership.objects.filter(pk=record.pk).update(summary="After a bulk update")
    assert _changes(record, "summary") == [(curator, "Before", "After a bulk update")]


def test_every_save_bumps_the_version_even_a_queryset_update(make_partnership):
    record = make_partnership()
    assert record.version == 1
    record.summary = "x"
    record.save()
    assert record.version == 2
    Partnership.objects.filter(pk=record.pk).update(summary="y")
    record.refresh_from_db()
    assert record.version == 3


def test_saves_that_change_nothing_leave_no_history_entry(make_partnership):
    record = make_partnership()
    record.save()
    record.save()
    assert record.history.filter(pgh_label="update").count() == 0


def test_history_page_shows_the_diff_to_curators(client_as, curator, make_partnership):
    record = make_partnership(
        description="South-South cooperation on green economy in Africa and Asia, with many words"
    )
    with pghistory.context(user=curator.pk):
        record.description = "South-South cooperation on green growth in Africa and Asia, with many words"
        record.save()

    page = client_as(curator).get(reverse("admin:partnerships_partnership_history", args=[record.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>economy</del>" in html and "<ins>growth</ins>" in html
    assert "curator" in html
    assert "Restore this version" in html


def test_revert_restores_the_fields_keeps_the_status_and_is_recorded(client_as, curator, make_partnership):
    record = make_partnership("Original title", summary="Original summary")
    services.record_publish(record=record, user=curator)
    original = record.history.filter(pgh_label="insert").get()
    record.refresh_from_db()
    record.title, record.summary = "Wrong title", "Wrong summary"
    record.save()

    client = client_as(curator)
    url = reverse("admin:partnerships_partnership_revert", args=[record.pk, original.pgh_id])
    preview = client.get(url)
    assert "Wrong title" in preview.content.decode() and "Original title" in preview.content.decode()
    response = client.post(url)

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.title, record.summary) == ("Original title", "Original summary")
    assert record.status == Status.PUBLISHED
    assert (curator, "Wrong title", "Original title") in _changes(record, "title")


def test_contributors_cannot_revert_published_records(client_as, contributor, curator, make_partnership):
    record = make_partnership("Original title")
    services.record_publish(record=record, user=curator)
    event = record.history.first()
    url = reverse("admin:partnerships_partnership_revert", args=[record.pk, event.pgh_id])
    assert client_as(contributor).post(url).status_code == 403


def test_merges_are_recorded(curator, make_partner):
    survivor = make_partner("Food and Agriculture Organization", acronym="FAO")
    duplicate = make_partner("Food & Agriculture Organisation")
    with pghistory.context(user=curator.pk):
        merging.partner_merge(survivor=survivor, duplicate=duplicate, user=curator)
    entries = [(e.subject, e.label, g.user) for g in record_history(survivor) for e in g.entries]
    assert ("partner name: Food & Agriculture Organisation", "added", curator) in entries
    deleted = Partner.history.field.model.objects.filter(pgh_obj_id=duplicate.pk, pgh_label="delete")
    assert deleted.count() == 1
