"""The migrations: one initial migration per app, agreeing with the models, with the hand-written
SQL the registry relies on (docs/architecture.md, "Migrations")."""

import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

REGISTRY_APPS = ["registry", "vocabularies", "partnerships", "events", "reports", "curation"]


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()


def test_each_app_has_at_most_one_migration():
    for label in REGISTRY_APPS:
        folder = Path(apps.get_app_config(label).path) / "migrations"
        migrations = sorted(p.name for p in folder.glob("[0-9]*.py"))
        assert len(migrations) <= 1, f"{label}: {migrations}"


def _database_objects() -> dict[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'sscregistry'")
        config = cursor.fetchone() is not None
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'sscregistry_unaccent'")
        unaccent = cursor.fetchone() is not None
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'partnership_sdg_target_implies_goal'")
        trigger = cursor.fetchone() is not None
    tables = connection.introspection.table_names()
    return {"config": config, "unaccent": unaccent, "trigger": trigger, "cache": "registry_cache" in tables}


@pytest.mark.django_db
def test_a_fresh_database_has_the_hand_written_sql_and_the_reference_data():
    assert _database_objects() == {"config": True, "unaccent": True, "trigger": True, "cache": True}
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('sscregistry', 'Sør-sør-samarbeid South-South')::text")
        assert "sor" in cursor.fetchone()[0]
    from vocabularies.models import Country, SustainableDevelopmentGoal

    # Loaded after every migrate (vocabularies' post_migrate), not by a data migration.
    assert Country.objects.filter(code="RW").exists()
    assert SustainableDevelopmentGoal.objects.count() == 17


@pytest.mark.django_db(transaction=True)
def test_the_migrations_unapply_and_apply_again():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([(label, None) for label in reversed(REGISTRY_APPS)])
    assert not any(_database_objects().values())
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert all(_database_objects().values())
