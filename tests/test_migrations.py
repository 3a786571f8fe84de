import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    output = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)
    assert "No changes detected" in output.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_window_migration_repairs_rows_an_earlier_version_let_in():
    """A database holding a year-1 event and a title with a line break migrates, and is repaired:
    the constraints could not be added otherwise, and the rows would keep breaking pages."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [
        ("events", "0009_drop_search_text_trigram_index"),
        ("reports", "0008_drop_search_text_trigram_index"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        columns = (
            'title, slug, short_title, description, theme, event_type, start, "end", timezone, all_day, '
            "date_precision, schedule_note, venue, city, attendance_mode, event_status, document_symbols, "
            "status, published_at, version, created_at, updated_at, search_text, review_note"
        )
        values = (
            "%s, 'year-one', '', '', '', 'meeting', '0001-01-01 00:00+00', '0001-01-01 01:00+00', "
            "'Asia/Tokyo', false, 'day', '', '', '', 'in_person', 'scheduled', '{}', 'published', now(), 1, "
            "now(), now(), '', ''"
        )
        cursor.execute(
            f"INSERT INTO events_event ({columns}) VALUES ({values})", ["Year one\r\nBcc: x@example.org"]
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from events.models import Event

    event = Event.objects.get(slug="year-one")
    assert event.title == "Year one  Bcc: x@example.org"
    assert event.start.year == 1900 and event.end.year == 1900
    assert event.status == "draft" and "outside 1900 to 2199" in event.review_note
    assert event.local_start.year == 1900  # it renders in its own zone
