"""The seed loader still publishes its records and stays idempotent alongside the workflow."""

from __future__ import annotations

import pytest

from events.models import Event
from partnerships.base import Status
from partnerships.models import Partner, Partnership, Person
from partnerships.seed import load_seed_data
from reports.models import Publication

pytestmark = pytest.mark.django_db


def test_seed_loads_published_records_and_a_second_run_changes_nothing():
    first = load_seed_data()
    assert first.created > 0
    for model in (Partner, Person, Partnership, Event, Publication):
        assert model.objects.exists()
        assert not model.objects.exclude(status=Status.PUBLISHED).exists()
    versions = {model: list(model.objects.values_list("pk", "version")) for model in (Partner, Partnership)}
    history_rows = Partner.history.field.model.objects.count()

    second = load_seed_data()

    assert (second.created, second.updated) == (0, 0)
    assert {model: list(model.objects.values_list("pk", "version")) for model in versions} == versions
    assert Partner.history.field.model.objects.count() == history_rows
