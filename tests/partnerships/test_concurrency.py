"""No lost updates: the second of two concurrent edits is refused and overwrites nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry import services
from registry.workflow import StaleRecordError, parse_version
from tests.registry.test_workflow import _change_form_data

pytestmark = pytest.mark.django_db


def test_the_second_of_two_admin_edits_is_refused(client, django_user_model, curator, make_partnership):
    record = make_partnership("Shared record", summary="Original")
    other = django_user_model.objects.create_user("second", is_staff=True, is_superuser=True)
    url = reverse("admin:partnerships_partnership_change", args=[record.pk])

    client.force_login(curator)
    first_form = _change_form_data(client.get(url), summary="First curator's summary")
    client.force_login(other)
    second_form = _change_form_data(client.get(url), summary="Second curator's summary")

    client.force_login(curator)
    assert client.post(url, first_form).status_code == 302
    client.force_login(other)
    response = client.post(url, second_form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert "changed by someone else" in errors[0]
    assert "Nothing was saved" in errors[0]
    record.refresh_from_db()
    assert record.summary == "First curator's summary"


def test_a_fresh_form_saves_after_a_reload(client_as, curator, make_partnership):
    record = make_partnership(summary="Original")
    client = client_as(curator)
    url = reverse("admin:partnerships_partnership_change", args=[record.pk])
    assert client.post(url, _change_form_data(client.get(url), summary="One")).status_code == 302
    assert client.post(url, _change_form_data(client.get(url), summary="Two")).status_code == 302
    record.refresh_from_db()
    assert (record.summary, record.version) == ("Two", 3)


def test_check_version_accepts_numbers_and_etags_and_refuses_stale_ones(make_partnership):
    record = make_partnership()
    record.check_version(1)
    record.check_version(record.etag)
    record.summary = "changed"
    record.save()
    with pytest.raises(StaleRecordError) as refused:
        record.check_version('"partnerships.partnership-1-v1"')
    assert (refused.value.expected, refused.value.current) == (1, 2)
    assert parse_version('W/"partnerships.partnership-9-v12"') == 12


def test_a_transition_with_a_stale_version_is_refused(curator, make_partnership):
    record = make_partnership()
    stale = record.etag
    record.summary = "someone else's edit"
    record.save()
    with pytest.raises(StaleRecordError):
        services.record_transition(record=record, transition="publish", user=curator, expected_version=stale)
    record.refresh_from_db()
    assert record.status == "draft"


def test_a_transition_keeps_concurrent_content_edits(curator, make_partnership):
    record = make_partnership(summary="Old")
    loaded_earlier = type(record).objects.get(pk=record.pk)
    record.summary = "New"
    record.save()
    services.record_publish(record=loaded_earlier, user=curator)
    record.refresh_from_db()
    assert (record.summary, record.status) == ("New", "published")
