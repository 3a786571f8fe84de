"""The registry's change stamp (`RegistryChange`) is bumped by the database, on every write path.

Each registry table carries a statement-level trigger, `RegistryChangeTrigger`, that runs
`registry_change_noted()` (hand-written in `registry/migrations/0001_initial.py`): it notes, once per
transaction, that the transaction wrote the registry, and a deferred constraint trigger bumps the
stamp when the transaction commits. So `save()`, `QuerySet.update()`, bulk writes, raw SQL and
migrations all count, with no signal and no convention to remember.
"""

from __future__ import annotations

import pghistory.models
import pgtrigger
from django.apps import apps as global_apps
from django.db import models

from .groups import registry_app_labels


class RegistryChangeTrigger(pgtrigger.Trigger):
    """After every INSERT, UPDATE or DELETE statement on a registry table, note that the transaction
    changed the registry: the stamp is bumped when it commits.

    It runs the shared `registry_change_noted()` itself, not pgtrigger's own function for the table
    (which stays, unused): that one would skip the note inside `pgtrigger.ignore()`, which bulk jobs
    use to skip history and version triggers. TRUNCATE is left out: only Django's test flush
    truncates these tables, and a stamp it wrote would outlive the flush.
    """

    # pgtrigger annotates the model class as an instance, here and in register().
    def render_execute(self, model: type[models.Model]) -> str:  # type: ignore[override]
        return "registry_change_noted()"


REGISTRY_CHANGE = RegistryChangeTrigger(
    name="registry_change",
    level=pgtrigger.Statement,
    when=pgtrigger.After,
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
    func="RETURN NULL;",
)

# Models of the registry apps that no public answer reads say so with `registry_role = "internal"`:
# the stamp itself, the spelling words and the facet tokens (written from records, which change only
# with records), the proposals' inbox and the import jobs (an import's records are registry tables;
# its progress is not).
INTERNAL = "internal"


def registry_tables() -> list[type[models.Model]]:
    """Every model whose rows the registry shows: the records, their parts and link tables (the
    many-to-many ones too) and the vocabularies, of every registry app; not history, and not the
    database views an app reads through unmanaged models (their tables' own triggers stamp them)."""
    tables = []
    for label in registry_app_labels():
        for model in global_apps.get_app_config(label).get_models(include_auto_created=True):
            owner = model._meta.auto_created or model  # a link table goes with its model
            if (
                issubclass(model, pghistory.models.Event)
                or getattr(owner, "registry_role", None) == INTERNAL
                or not model._meta.managed
            ):
                continue
            tables.append(model)
    return tables


def register_change_trigger() -> None:
    """Put REGISTRY_CHANGE on every registry table. Called once from RegistryConfig.ready(), when
    every app's models are loaded. Registered, it is in the models' Meta, so the apps' migrations
    add it; pgtrigger installs it on the many-to-many link tables, which have no migrations of
    their own, after each migrate (PGTRIGGER_INSTALL_ON_MIGRATE)."""
    REGISTRY_CHANGE.register(*registry_tables())  # type: ignore[arg-type]  # classes, as above
