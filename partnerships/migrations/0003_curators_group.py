"""Create the Curators group with every permission on the registry's records."""

from django.db import migrations


def create_group(apps, schema_editor):
    from partnerships.groups import sync_curator_group

    sync_curator_group(apps=apps)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0002_reference_data"),
        ("events", "0002_initial"),
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
