"""The curation roles, as groups: Contributors write drafts, Curators review and publish.

Superusers can do everything. Permission checks are plain `user.has_perm("partnerships.publish_partner")`,
so a role is only ever the set of permissions its group holds.
"""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CURATORS = "Curators"
CONTRIBUTORS = "Contributors"
# Each registry app says so on its AppConfig (`registry_app = True`); each model says what it is to
# the curation roles with `registry_role`: "part" for rows edited inside a record's page (inlines:
# contributors add, change and remove them) and "vocabulary" for lists contributors pick from
# (autocomplete needs the view permission). Records with a workflow are the PublishableModels.
PART = "part"
VOCABULARY = "vocabulary"


def registry_app_labels() -> list[str]:
    """The labels of the installed apps that hold registry data."""
    return [
        config.label for config in global_apps.get_app_configs() if getattr(config, "registry_app", False)
    ]


def _registry_models(role: str) -> list[tuple[str, str]]:
    from .workflow import PublishableModel

    found = []
    for label in registry_app_labels():
        for model in global_apps.get_app_config(label).get_models():
            is_record = issubclass(model, PublishableModel)
            if (role == "record" and is_record) or getattr(model, "registry_role", None) == role:
                found.append((label, cast(str, model._meta.model_name)))
    return found


def publishable_models() -> list[tuple[str, str]]:
    """(app label, model name) of every record with a workflow."""
    return _registry_models("record")


def part_models() -> list[tuple[str, str]]:
    """(app label, model name) of every part of a record."""
    return _registry_models(PART)


def vocabulary_models() -> list[tuple[str, str]]:
    """(app label, model name) of every vocabulary."""
    return _registry_models(VOCABULARY)


def contributor_permissions() -> list[tuple[str, str]]:
    """(app label, codename) pairs of the Contributors group."""
    perms = []
    for app, model in publishable_models():
        perms += [(app, f"{action}_{model}") for action in ("add", "change", "view", "submit")]
    for app, model in part_models():
        perms += [(app, f"{action}_{model}") for action in ("add", "change", "delete", "view")]
    perms += [(app, f"view_{model}") for app, model in vocabulary_models()]
    return perms


def sync_groups(sender: Any = None, apps: Any = global_apps, **kwargs: Any) -> None:
    """Create the Contributors and Curators groups and grant their permissions.

    Runs after every `migrate` (post_migrate), so models added later are covered.
    Permissions are only ever added, so a permission granted by hand in the admin stays.
    """
    labels = registry_app_labels()
    for label in labels:
        try:
            app_config = apps.get_app_config(label)
        except LookupError:
            continue
        # Historical app registries have no models_module; create_permissions needs one.
        app_config.models_module = getattr(app_config, "models_module", None) or True
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    curators, _ = Group.objects.get_or_create(name=CURATORS)
    curators.permissions.add(*Permission.objects.filter(content_type__app_label__in=labels))

    contributors, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
    wanted = contributor_permissions()
    by_app: dict[str, list[str]] = {}
    for app, codename in wanted:
        by_app.setdefault(app, []).append(codename)
    for app, codenames in by_app.items():
        contributors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
        )
