"""Write the search documents of records that existed before search (issue 3)."""

from django.db import migrations


def fill(apps, schema_editor):
    from partnerships.search import search_index_rebuild

    search_index_rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0004_search_and_publish_permissions"),
        ("events", "0003_search_and_publish_permission"),
        ("reports", "0002_search_and_publish_permission"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
