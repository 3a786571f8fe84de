"""The curation roles, as groups: Contributors write drafts, Curators review and publish.

Superusers can do everything. Permission checks are plain `user.has_perm("partnerships.publish_partner")`,
so a role is only ever the set of permissions its group holds.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CURATORS = "Curators"
CONTRIBUTORS = "Contributors"
REGISTRY_APPS = ("partnerships", "events", "reports", "curation")

# The five records with a workflow, as (app label, model name).
PUBLISHABLE_MODELS = [
    ("partnerships", "partner"),
    ("partnerships", "person"),
    ("partnerships", "partnership"),
    ("events", "event"),
    ("reports", "publication"),
]
# Rows edited inside a record's page (inlines): contributors add, change and remove them.
PART_MODELS = [
    ("partnerships", "partnername"),
    ("partnerships", "participation"),
    ("partnerships", "sourcelink"),
    ("events", "eventorganiser"),
    ("events", "eventparticipant"),
    ("events", "registrationlink"),
    ("reports", "authorship"),
    ("reports", "publicationorganisation"),
    ("reports", "languageversion"),
    ("reports", "publicationrelation"),
]
# Vocabularies contributors pick from (autocomplete needs the view permission).
VOCABULARY_MODELS = [
    ("partnerships", "region"),
    ("partnerships", "country"),
    ("partnerships", "sustainabledevelopmentgoal"),
    ("partnerships", "sdgtarget"),
    ("partnerships", "organisationtype"),
    ("partnerships", "organisationrole"),
    ("partnerships", "activitystatus"),
    ("partnerships", "documentcategory"),
    ("partnerships", "language"),
    ("partnerships", "modality"),
    ("partnerships", "platform"),
    ("partnerships", "theme"),
    ("reports", "series"),
]


def contributor_permissions() -> list[tuple[str, str]]:
    """(app label, codename) pairs of the Contributors group."""
    perms = []
    for app, model in PUBLISHABLE_MODELS:
        perms += [(app, f"{action}_{model}") for action in ("add", "change", "view", "submit")]
    for app, model in PART_MODELS:
        perms += [(app, f"{action}_{model}") for action in ("add", "change", "delete", "view")]
    perms += [(app, f"view_{model}") for app, model in VOCABULARY_MODELS]
    return perms


def sync_groups(sender: Any = None, apps: Any = global_apps, **kwargs: Any) -> None:
    """Create the Contributors and Curators groups and grant their permissions.

    Runs from a migration and again after every `migrate`, so models added later are covered.
    Permissions are only ever added, so a permission granted by hand in the admin stays.
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

    curators, _ = Group.objects.get_or_create(name=CURATORS)
    curators.permissions.add(*Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS))

    contributors, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
    wanted = contributor_permissions()
    by_app: dict[str, list[str]] = {}
    for app, codename in wanted:
        by_app.setdefault(app, []).append(codename)
    for app, codenames in by_app.items():
        contributors.permissions.add(
            *Permission.objects.filter(content_type__app_label=app, codename__in=codenames)
        )


# The name migration 0003 imports.
sync_curator_group = sync_groups
