"""Create the Contributors group and give both roles the workflow permissions (submit, publish, ...)."""

from django.db import migrations


def sync(apps, schema_editor):
    from partnerships.groups import sync_groups

    sync_groups(apps=apps)


def delete_contributors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Contributors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0004_workflow_history"),
        ("events", "0003_workflow_history"),
        ("reports", "0002_workflow_history"),
        ("curation", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync, delete_contributors)]
