import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_postgresql_with_search_extensions():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent"} <= extensions
