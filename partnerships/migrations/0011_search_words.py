"""The vocabulary of spelling suggestions: every word of the records' search documents."""

import django.contrib.postgres.indexes
from django.db import migrations, models


def fill(apps, schema_editor):
    from partnerships.search import SEARCHABLE, _remember_words

    for label in SEARCHABLE:
        model = apps.get_model(label)
        _remember_words(model, model._default_manager.all(), apps)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0010_public_order_indexes"),
        ("events", "0007_public_order_indexes"),
        ("reports", "0007_public_order_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=60, primary_key=True, serialize=False)),
            ],
            options={
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["word"], name="searchword_trgm", opclasses=["gin_trgm_ops"]
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
