"""Backups round-trip the data: same row counts and checksums in every table."""

import io

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sscregistry.backups import table_checksums
from sscregistry.seed import load_seed_data


@pytest.fixture
def scratch_database():
    name = "restore_check"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_generated_data(tmp_path, scratch_database):
    load_seed_data()
    call_command("generate_data", "--scale", "0.005", "--no-embeddings", stdout=io.StringIO())
    with connection.cursor() as cursor:
        before = table_checksums(cursor)
    assert before["partnerships_partnership"][0] > 500

    dump = tmp_path / "registry.dump"
    out = io.StringIO()
    call_command("backup", "--output", str(dump), stdout=out)
    assert dump.exists() and "Backup written" in out.getvalue()
    call_command("restore", str(dump), "--database", scratch_database, stdout=io.StringIO())

    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"],
        user=settings_dict["USER"],
        dbname=scratch_database,
    ) as restored:
        after = table_checksums(restored.cursor())
    assert after == before


@pytest.mark.django_db
def test_restore_refuses_to_replace_the_live_database_without_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path / "x.dump"))


@pytest.mark.django_db
def test_restore_of_a_missing_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "missing.dump"), "--database", "whatever")
