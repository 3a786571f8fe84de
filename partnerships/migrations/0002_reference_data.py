"""Load the reference vocabularies so that every install has them."""

from django.db import migrations


def load(apps, schema_editor):
    from partnerships.reference import load_reference_data

    load_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
