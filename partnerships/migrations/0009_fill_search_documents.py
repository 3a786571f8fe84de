"""Write the search documents of records that existed before search (issue 3)."""

from django.db import migrations


def fill(apps, schema_editor):
    from partnerships.search import search_index_rebuild

    search_index_rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0008_search"),
        ("events", "0006_search"),
        ("reports", "0006_search"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
