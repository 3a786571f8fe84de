"""The registry's change stamp is bumped by the database on every write path, when the write commits."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pgtrigger
import pytest
from django.core.management import call_command
from django.db import connection, transaction

from partnerships.models import Partner, Partnership
from registry.cache import read_last_change
from registry.changes import registry_tables
from tests.factories import ParticipationFactory, PartnerFactory, PartnershipFactory
from vocabularies.models import Country

pytestmark = pytest.mark.django_db


def _commit() -> None:
    """What a commit fires in the database (the test's transaction never commits)."""
    connection.check_constraints()


def _changes(write: Callable[[], Any]) -> bool:
    """Whether the stamp changes when `write` runs and commits (after a first write has set it)."""
    PartnershipFactory()
    _commit()
    before = read_last_change()
    assert before is not None
    write()
    _commit()
    return read_last_change() != before


def test_save_and_create_change_the_stamp():
    assert _changes(lambda: PartnershipFactory(title="New"))
    partnership = PartnershipFactory()
    _commit()
    partnership.title = "Renamed"
    assert _changes(partnership.save)


def test_queryset_update_changes_the_stamp():
    assert _changes(lambda: Partner.objects.update(acronym="X"))


def test_bulk_create_changes_the_stamp():
    assert _changes(lambda: Partner.objects.bulk_create([PartnerFactory.build()]))


def test_delete_changes_the_stamp():
    partner = PartnerFactory()
    assert _changes(partner.delete)
    PartnerFactory.create_batch(2)
    assert _changes(lambda: Partner.objects.all().delete())


def test_many_to_many_links_change_the_stamp():
    partnership = PartnershipFactory()
    assert _changes(lambda: partnership.countries.add("RW"))
    assert _changes(lambda: partnership.countries.remove("RW"))
    assert _changes(lambda: partnership.themes.clear())


def test_a_part_and_a_vocabulary_change_the_stamp():
    partnership, partner = PartnershipFactory(), PartnerFactory()
    assert _changes(lambda: ParticipationFactory(partnership=partnership, partner=partner))
    assert _changes(lambda: Country.objects.filter(code="RW").update(name="Rwanda (renamed)"))


def test_raw_sql_changes_the_stamp():
    def write() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE partnerships_partnership SET title = title || '.'")

    assert _changes(write)


def test_generate_data_changes_the_stamp_despite_ignoring_other_triggers():
    # generate_data writes inside pgtrigger.ignore(), which skips history and version triggers.
    assert _changes(
        lambda: call_command("generate_data", "--scale", "0.001", "--no-embeddings", stdout=io.StringIO())
    )
    with pgtrigger.ignore():
        assert _changes(lambda: Partner.objects.update(acronym="Y"))


def test_a_read_and_a_write_elsewhere_leave_the_stamp():
    from django.contrib.auth.models import User  # noqa: PLC0415

    def read() -> None:
        list(Partnership.objects.all())
        list(Partnership.countries.through.objects.all())

    assert not _changes(read)
    assert not _changes(lambda: User.objects.create(username="someone"))


def test_every_registry_table_carries_the_trigger_and_no_history_table_does():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE action_statement = 'EXECUTE FUNCTION registry_change_noted()'"
        )
        tables = {row[0] for row in cursor.fetchall()}
    expected = {model._meta.db_table for model in registry_tables()}
    assert tables == expected
    assert {"partnerships_partnership", "partnerships_partnership_sdgs", "vocabularies_country"} <= tables
    assert {"events_event", "reports_publication", "reports_authorship"} <= tables
    assert not {table for table in tables if table.endswith("history")}
    assert "registry_registrychange" not in tables and "registry_importjob" not in tables


@pytest.mark.django_db(transaction=True)
def test_the_stamp_changes_when_the_write_commits_and_only_forward():
    with transaction.atomic():
        PartnershipFactory()
    first = read_last_change()
    assert first is not None
    with transaction.atomic():
        Partner.objects.update(acronym="Z")
        assert read_last_change() == first  # not before the commit
    second = read_last_change()
    assert second > first
    with pytest.raises(RuntimeError), transaction.atomic():
        Partner.objects.update(acronym="W")
        raise RuntimeError("rolled back")
    assert read_last_change() == second
    with connection.cursor() as cursor:  # a stamp from a clock that went back is still passed
        cursor.execute("UPDATE registry_registrychange SET changed_at = changed_at + interval '1 hour'")
    ahead = read_last_change()
    with transaction.atomic():
        Partner.objects.update(acronym="V")
    assert read_last_change() > ahead


@pytest.mark.django_db(transaction=True)
def test_an_open_write_does_not_hold_up_other_writers():
    """The stamp's row is locked at commit only: a long import's transaction, open with its first
    rows written, does not make a curator's save wait (nor deadlock with it)."""
    import threading  # noqa: PLC0415

    from django.db import connections  # noqa: PLC0415

    partner = PartnerFactory()
    writing, finish = threading.Event(), threading.Event()

    def long_writer() -> None:
        try:
            with transaction.atomic():
                Partner.objects.filter(pk=partner.pk).update(acronym="LONG")
                writing.set()
                finish.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=long_writer)
    thread.start()
    try:
        assert writing.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting for the stamp fails
            PartnershipFactory(title="Saved meanwhile")
        saved = read_last_change()
    finally:
        finish.set()
        thread.join()
    assert read_last_change() > saved  # the long writer's commit bumped it again
