"""The workflow: every transition, who may apply it, and that no other path changes a status."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from partnerships.models import Partner, Partnership, Person
from registry import services
from registry.workflow import Status
from reports.models import Publication

pytestmark = pytest.mark.django_db

# (transition, state it starts from, state it ends in, roles allowed)
TRANSITION_TABLE = [
    ("submit", Status.DRAFT, Status.IN_REVIEW, {"contributor", "curator", "superuser"}),
    ("publish", Status.IN_REVIEW, Status.PUBLISHED, {"curator", "superuser"}),
    ("publish", Status.DRAFT, Status.PUBLISHED, {"curator", "superuser"}),
    ("return_to_draft", Status.IN_REVIEW, Status.DRAFT, {"curator", "superuser"}),
    ("unpublish", Status.PUBLISHED, Status.DRAFT, {"curator", "superuser"}),
    ("archive", Status.PUBLISHED, Status.ARCHIVED, {"curator", "superuser"}),
    ("restore", Status.ARCHIVED, Status.DRAFT, {"curator", "superuser"}),
]
ROLES = ["contributor", "curator", "superuser"]


def _record_in(make_partnership, status: str) -> Partnership:
    record = make_partnership("Rome-Based Agencies cooperation")
    published_at = timezone.now() if status in (Status.PUBLISHED, Status.ARCHIVED) else None
    Partnership.objects.filter(pk=record.pk).update(status=status, published_at=published_at)
    record.refresh_from_db()
    return record


@pytest.mark.parametrize(("transition", "source", "target", "allowed"), TRANSITION_TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_through_the_admin_obeys_the_role(
    request, client_as, make_partnership, role, transition, source, target, allowed
):
    user = request.getfixturevalue(role)
    record = _record_in(make_partnership, source)
    url = reverse("admin:partnerships_partnership_transition", args=[record.pk, transition])

    response = client_as(user).post(url, {"reason": "The source does not say who funds it."})

    record.refresh_from_db()
    if role in allowed:
        assert response.status_code == 302
        assert record.status == target
        assert record.updated_by == user
    else:
        assert record.status == source
        # Either refused with a message (302 back) or hidden from the user altogether.
        assert response.status_code in (302, 403)


@pytest.mark.parametrize(("transition", "source", "target", "allowed"), TRANSITION_TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_service_checks_the_permission(
    request, make_partnership, role, transition, source, target, allowed
):
    user = request.getfixturevalue(role)
    record = _record_in(make_partnership, source)
    if role in allowed:
        services.record_transition(record=record, transition=transition, user=user, reason="Needs a source.")
        record.refresh_from_db()
        assert record.status == target
    else:
        with pytest.raises(PermissionDenied):
            services.record_transition(record=record, transition=transition, user=user, reason="x")


@pytest.mark.parametrize("model", [Partner, Person, Partnership, Event, Publication])
def test_every_record_type_declares_the_workflow_permissions(model):
    codenames = {codename for codename, _ in model._meta.permissions}
    name = model._meta.model_name
    assert {f"submit_{name}", f"publish_{name}", f"archive_{name}"} <= codenames


def test_transition_from_the_wrong_state_is_refused(curator, make_partnership):
    record = _record_in(make_partnership, Status.DRAFT)
    with pytest.raises(services.TransitionNotAllowed):
        services.record_transition(record=record, transition="return_to_draft", user=curator, reason="x")
    with pytest.raises(services.TransitionNotAllowed):
        services.record_unpublish(record=record, user=curator)


def test_return_to_draft_needs_a_reason_which_the_author_sees(client_as, curator, make_partnership):
    record = _record_in(make_partnership, Status.IN_REVIEW)
    url = reverse("admin:partnerships_partnership_transition", args=[record.pk, "return_to_draft"])
    client = client_as(curator)

    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "Say why" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Status.IN_REVIEW

    client.post(url, {"reason": "Which Rome-based agencies take part?"})
    record.refresh_from_db()
    assert record.status == Status.DRAFT
    assert record.review_note == "Which Rome-based agencies take part?"
    page = client.get(reverse("admin:partnerships_partnership_change", args=[record.pk])).content.decode()
    assert "Which Rome-based agencies take part?" in page


def test_publish_records_who_and_when_and_keeps_the_first_publication_time(curator, make_partnership):
    record = _record_in(make_partnership, Status.IN_REVIEW)
    services.record_publish(record=record, user=curator)
    record.refresh_from_db()
    first = record.published_at
    assert record.status == Status.PUBLISHED
    assert first is not None
    assert record.last_reviewed_by == curator
    assert record.last_reviewed_at is not None

    services.record_unpublish(record=record, user=curator)
    services.record_publish(record=record, user=curator)
    record.refresh_from_db()
    assert record.published_at == first


def test_submit_records_the_submitter(contributor, make_partnership):
    record = _record_in(make_partnership, Status.DRAFT)
    services.record_submit(record=record, user=contributor)
    record.refresh_from_db()
    assert record.status == Status.IN_REVIEW
    assert record.submitted_by == contributor
    assert record.submitted_at is not None


def test_editing_the_status_field_in_the_admin_changes_nothing(client_as, contributor, make_partnership):
    record = _record_in(make_partnership, Status.DRAFT)
    client = client_as(contributor)
    url = reverse("admin:partnerships_partnership_change", args=[record.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    assert "status" not in form.fields

    data = _change_form_data(page, title="Renamed", status=Status.PUBLISHED)
    response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.title == "Renamed"
    assert record.status == Status.DRAFT


def test_the_add_form_always_creates_a_draft(client_as, curator):
    client = client_as(curator)
    page = client.get(reverse("admin:partnerships_partnership_add"))
    data = _change_form_data(page, title="Posted as published", status=Status.PUBLISHED)
    response = client.post(reverse("admin:partnerships_partnership_add"), data)
    assert response.status_code == 302
    record = Partnership.objects.get(title="Posted as published")
    assert record.status == Status.DRAFT
    assert record.published_at is None


def test_contributors_cannot_edit_published_records(client_as, contributor, make_partnership):
    record = _record_in(make_partnership, Status.PUBLISHED)
    client = client_as(contributor)
    url = reverse("admin:partnerships_partnership_change", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = client.post(url, {"title": "Vandalised"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.title == "Rome-Based Agencies cooperation"


def test_contributors_cannot_publish_with_the_bulk_action(client_as, contributor, make_partnership):
    record = _record_in(make_partnership, Status.IN_REVIEW)
    client = client_as(contributor)
    changelist = reverse("admin:partnerships_partnership_changelist")
    actions = [name for name, _ in client.get(changelist).context["action_form"].fields["action"].choices]
    assert "submit_selected" in actions
    assert "publish_selected" not in actions

    client.post(changelist, {"action": "publish_selected", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert record.status == Status.IN_REVIEW


def test_curators_publish_with_the_bulk_action(client_as, curator, make_partnership, make_partner):
    records = [_record_in(make_partnership, Status.IN_REVIEW) for _ in range(3)]
    client_as(curator).post(
        reverse("admin:partnerships_partnership_changelist"),
        {"action": "publish_selected", "_selected_action": [r.pk for r in records]},
    )
    assert set(Partnership.objects.values_list("status", flat=True)) == {Status.PUBLISHED}


def test_bulk_return_to_draft_asks_for_a_reason(client_as, curator, make_partnership):
    record = _record_in(make_partnership, Status.IN_REVIEW)
    client = client_as(curator)
    changelist = reverse("admin:partnerships_partnership_changelist")
    page = client.post(changelist, {"action": "return_selected_to_draft", "_selected_action": [record.pk]})
    assert page.status_code == 200
    assert "Reason" in page.content.decode()
    client.post(
        changelist,
        {
            "action": "return_selected_to_draft",
            "_selected_action": [record.pk],
            "apply": "1",
            "reason": "Add a source.",
        },
    )
    record.refresh_from_db()
    assert (record.status, record.review_note) == (Status.DRAFT, "Add a source.")


def test_change_page_offers_only_the_allowed_transitions(client_as, contributor, curator, make_partnership):
    record = _record_in(make_partnership, Status.DRAFT)
    url = reverse("admin:partnerships_partnership_change", args=[record.pk])
    names = {t.name for t in client_as(contributor).get(url).context["transitions"]}
    assert names == {"submit"}
    names = {t.name for t in client_as(curator).get(url).context["transitions"]}
    assert names == {"submit", "publish", "archive"}


def test_review_queue_lists_records_in_review_oldest_first_with_submitter(
    client_as, curator, contributor, make_partnership, make_partner, make_event
):
    older = make_partnership("Older partnership")
    services.record_submit(record=older, user=contributor)
    partner = make_partner("Newer partner")
    services.record_submit(record=partner, user=curator)
    Partnership.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=9))
    make_event("Still a draft")

    response = client_as(curator).get(reverse("admin:review_queue"))

    entries = response.context["entries"]
    assert [e.record.pk for e in entries] == [older.pk, partner.pk]
    assert entries[0].submitted_by == "contributor"
    assert entries[0].waiting_days == 9
    page = response.content.decode()
    assert "Older partnership" in page and "Newer partner" in page and "Still a draft" not in page
    index = client_as(curator).get(reverse("admin:index")).content.decode()
    assert "2 records waiting" in index


def test_not_reviewed_for_two_years_filter(client_as, curator, make_partnership):
    stale = _record_in(make_partnership, Status.PUBLISHED)
    fresh = _record_in(make_partnership, Status.PUBLISHED)
    Partnership.objects.filter(pk=stale.pk).update(
        last_reviewed_at=timezone.now() - datetime.timedelta(days=800)
    )
    Partnership.objects.filter(pk=fresh.pk).update(
        last_reviewed_at=timezone.now() - datetime.timedelta(days=30)
    )

    response = client_as(curator).get(reverse("admin:partnerships_partnership_changelist") + "?review=stale")

    assert [r.pk for r in response.context["cl"].result_list] == [stale.pk]
    services.record_mark_reviewed(record=stale, user=curator)
    response = client_as(curator).get(reverse("admin:partnerships_partnership_changelist") + "?review=stale")
    assert list(response.context["cl"].result_list) == []


def test_partner_admin_has_the_review_filter(client_as, curator, make_partner):
    partner = make_partner("Never reviewed")
    Partner.objects.filter(pk=partner.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    response = client_as(curator).get(reverse("admin:partnerships_partner_changelist") + "?review=stale")
    assert [p.pk for p in response.context["cl"].result_list] == [partner.pk]


def _change_form_data(page, **overrides) -> dict:
    """The values an admin change form would post back, as rendered, with `overrides`."""
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        value = value() if callable(value) else value  # a model default such as dict
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            if value:
                data[name] = [getattr(v, "pk", v) for v in value]
            continue
        data[name] = "" if value is None else getattr(value, "pk", value)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("model", ["partner", "person", "partnership"])
def test_change_page_renders_the_workflow_buttons_and_banner(client_as, curator, make_partner, model):
    from partnerships.models import Person

    record = {"partner": lambda: make_partner("P"), "person": lambda: Person.objects.create(name="N")}.get(
        model, lambda: Partnership.objects.create(title="T")
    )()
    html = (
        client_as(curator)
        .get(reverse(f"admin:partnerships_{model}_change", args=[record.pk]))
        .content.decode()
    )
    assert "Status: Draft" in html
    assert reverse(f"admin:partnerships_{model}_transition", args=[record.pk, "publish"]) in html
