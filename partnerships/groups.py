"""The Curators group: the people who keep the registry's records."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CURATORS = "Curators"
REGISTRY_APPS = ("partnerships", "events", "reports")


def sync_curator_group(sender: Any = None, apps: Any = global_apps, **kwargs: Any) -> None:
    """Create the Curators group and give it every permission on the registry's models.

    Runs from a migration and again after every `migrate`, so models added later are covered.
    """
    for label in REGISTRY_APPS:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            continue
        # Historical app registries have no models_module; create_permissions needs one.
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=CURATORS)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS))
