"""The publish rules: a second pair of eyes, participants the public cannot see, stale bulk publishes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from partnerships.models import Partnership
from registry import services
from registry.workflow import Status
from tests.factories import ParticipationFactory, PartnerFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
CHANGELIST = "admin:partnerships_partnership_changelist"


@pytest.fixture
def second_curator(make_user):
    return make_user("second-curator", "Curators")


def _transition_url(record, name: str = "publish") -> str:
    return reverse("admin:partnerships_partnership_transition", args=[record.pk, name])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_whoever_submitted_a_record_cannot_publish_it_in_the_admin(client_as, curator, second_curator):
    record = PartnershipFactory(title="Brazil–Mozambique school meals", draft=True)
    services.record_submit(record=record, user=curator)

    response = client_as(curator).post(_transition_url(record), {"version": record.version}, follow=True)

    record.refresh_from_db()
    assert record.status == Status.IN_REVIEW
    assert any("another curator must publish it" in m for m in _messages(response))

    client_as(second_curator).post(_transition_url(record), {"version": record.version})
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED and record.last_reviewed_by == second_curator


def test_whoever_created_a_record_cannot_publish_it_through_the_api(api, curator, second_curator):
    api.force_authenticate(curator)
    created = api.post("/api/v1/partners/", {"name": "Bolivian Seed Bank", "country": "BO"}, format="json")
    assert created.status_code == 201, created.content
    slug = created.json()["slug"]

    refused = api.post(f"/api/v1/partners/{slug}/publish/", {}, format="json")
    assert refused.status_code == 403
    assert "another curator must publish it" in refused.json()["detail"]

    api.force_authenticate(second_curator)
    assert (
        api.post(f"/api/v1/partners/{slug}/publish/", {}, format="json").json()["workflow_status"]
        == "published"
    )


def test_the_bulk_action_refuses_the_curators_own_records_and_says_why(client_as, curator, contributor):
    own = PartnershipFactory(title="Own submission", draft=True, created_by=curator)
    theirs = PartnershipFactory(title="A contributor's submission", draft=True, created_by=contributor)
    services.record_submit(record=theirs, user=contributor)

    response = client_as(curator).post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [own.pk, theirs.pk]},
        follow=True,
    )

    statuses = dict(Partnership.objects.values_list("title", "status"))
    assert statuses == {"Own submission": Status.DRAFT, "A contributor's submission": Status.PUBLISHED}
    messages = _messages(response)
    assert "1 record(s) published." in messages
    assert any("“Own submission”" in m and "another curator must publish it" in m for m in messages)


def test_a_one_person_registry_turns_the_rule_off(client_as, curator, settings):
    settings.REQUIRE_SECOND_REVIEWER = False
    record = PartnershipFactory(draft=True, created_by=curator)
    services.record_submit(record=record, user=curator)
    client_as(curator).post(_transition_url(record), {"version": record.version})
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED


def test_the_setting_is_on_unless_the_environment_turns_it_off():
    base = {
        k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "REQUIRE_SECOND_REVIEWER"
    }
    base.setdefault("DATABASE_URL", "postgres://nobody@localhost:1/none")
    code = "from django.conf import settings; print(settings.REQUIRE_SECOND_REVIEWER)"

    def read(**env: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=base | env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]  # after the shell's note on its imports

    assert read() == "True"
    assert read(REQUIRE_SECOND_REVIEWER="false") == "False"


def test_records_without_an_author_account_are_published_by_any_curator(curator):
    """Public proposals, seed and migrated records: nobody signed in submitted them."""
    record = PartnershipFactory(draft=True)
    services.record_propose(record=record)
    services.record_publish(record=record, user=curator)
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED


def _partnership_with_hidden_partners() -> Partnership:
    record = PartnershipFactory(title="Rice value chains", draft=True)
    ParticipationFactory(partnership=record, partner=PartnerFactory(name="Africa Rice Center"))
    ParticipationFactory(
        partnership=record, partner=PartnerFactory(name="Ministry of Agriculture", draft=True)
    )
    ParticipationFactory(partnership=record, partner=PartnerFactory(name="Seed Cooperative", draft=True))
    return record


def test_publishing_a_partnership_names_its_partners_the_public_cannot_see_in_the_admin(client_as, curator):
    record = _partnership_with_hidden_partners()

    response = client_as(curator).post(_transition_url(record), {"version": record.version}, follow=True)

    record.refresh_from_db()
    assert record.status == Status.PUBLISHED
    warnings = [m for m in _messages(response) if "not published" in m]
    assert len(warnings) == 1
    assert "“Ministry of Agriculture” (draft)" in warnings[0] and "“Seed Cooperative” (draft)" in warnings[0]
    assert "Africa Rice Center" not in warnings[0]


def test_publishing_a_partnership_names_its_partners_the_public_cannot_see_in_the_api(api, curator):
    record = _partnership_with_hidden_partners()
    api.force_authenticate(curator)

    response = api.post(f"/api/v1/partnerships/{record.slug}/publish/", {}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["workflow_status"] == "published"
    hidden = [w for w in body["warnings"] if "not published" in w]
    assert len(hidden) == 1
    assert "“Ministry of Agriculture” (draft), “Seed Cooperative” (draft)" in hidden[0]
    plain = _with_source(PartnershipFactory(draft=True))
    assert "warnings" not in api.post(f"/api/v1/partnerships/{plain.slug}/publish/", {}, format="json").json()


def _with_source(record):
    from django.contrib.contenttypes.models import ContentType

    from registry.models import SourceLink

    SourceLink.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        url="https://example.org/",
    )
    return record


def test_publishing_a_record_without_a_source_warns_in_the_admin(client_as, curator):
    record = PartnershipFactory(title="Unsourced", draft=True)
    response = client_as(curator).post(_transition_url(record), {"version": record.version}, follow=True)
    record.refresh_from_db()
    assert record.status == Status.PUBLISHED
    assert any("“Unsourced” has no source" in m for m in _messages(response))
    sourced = _with_source(PartnershipFactory(title="Sourced", draft=True))
    response = client_as(curator).post(_transition_url(sourced), {"version": sourced.version}, follow=True)
    assert not any("has no source" in m for m in _messages(response))


@pytest.mark.parametrize("resource", ["partnerships", "partners", "events", "publications", "people"])
def test_publishing_a_record_without_a_source_warns_in_the_api(api, curator, resource):
    from tests import factories

    factory = {
        "partnerships": factories.PartnershipFactory,
        "partners": factories.PartnerFactory,
        "events": factories.EventFactory,
        "publications": factories.PublicationFactory,
        "people": factories.PersonFactory,
    }[resource]
    record = factory(draft=True)
    api.force_authenticate(curator)
    body = api.post(f"/api/v1/{resource}/{record.slug}/publish/", {}, format="json").json()
    assert body["workflow_status"] == "published"
    assert any("has no source" in w for w in body["warnings"])


def test_the_bulk_publish_refuses_a_record_changed_since_the_list_was_shown(client_as, curator):
    changed = PartnershipFactory(title="Changed meanwhile", draft=True)
    unchanged = PartnershipFactory(title="Unchanged", draft=True)
    client = client_as(curator)
    page = client.get(reverse(CHANGELIST)).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="(_version_\d+)" value="(\d+)">', page))
    assert set(shown) == {f"_version_{changed.pk}", f"_version_{unchanged.pk}"}

    changed.summary = "Someone else's edit, saved while the list was open."
    changed.save()
    response = client.post(
        reverse(CHANGELIST),
        {"action": "publish_selected", "_selected_action": [changed.pk, unchanged.pk], **shown},
        follow=True,
    )

    statuses = dict(Partnership.objects.values_list("title", "status"))
    assert statuses == {"Changed meanwhile": Status.DRAFT, "Unchanged": Status.PUBLISHED}
    assert any("was changed by someone else" in m for m in _messages(response))


def test_return_to_draft_carries_the_versions_through_its_reason_page(client_as, curator):
    changed = PartnershipFactory(title="Changed meanwhile", status=Status.IN_REVIEW, published_at=None)
    unchanged = PartnershipFactory(title="Unchanged", status=Status.IN_REVIEW, published_at=None)
    client = client_as(curator)
    page = client.get(reverse(CHANGELIST)).content.decode()
    shown = dict(re.findall(r'<input type="hidden" name="(_version_\d+)" value="(\d+)">', page))
    selected = {"action": "return_selected_to_draft", "_selected_action": [changed.pk, unchanged.pk]}

    reason_page = client.post(reverse(CHANGELIST), {**selected, **shown}).content.decode()
    carried = dict(re.findall(r'<input type="hidden" name="(_version_\d+)" value="(\d+)">', reason_page))
    assert carried == shown

    changed.summary = "Someone else's edit, saved while the reason was being typed."
    changed.save()
    response = client.post(
        reverse(CHANGELIST), {**selected, **carried, "apply": "1", "reason": "Needs sources."}, follow=True
    )
    statuses = dict(Partnership.objects.values_list("title", "status"))
    assert statuses == {"Changed meanwhile": Status.IN_REVIEW, "Unchanged": Status.DRAFT}
    assert any("was changed by someone else" in m for m in _messages(response))
