from django.apps import AppConfig

from registry import apps as registry_apps


class VocabulariesConfig(registry_apps.RegistryAppConfig):
    """The reference vocabularies: regions, countries, SDGs, IATI codelists, languages, themes."""

    name = "vocabularies"
    verbose_name = "Reference vocabularies"
    contributes = ("resources",)

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        super().ready()
        post_migrate.connect(_load_reference_data, sender=self, dispatch_uid="vocabularies-reference-data")


def _load_reference_data(sender: AppConfig, **kwargs: object) -> None:
    """Load the reference vocabularies after every `migrate` (and after a test's flush), with the
    current models: loading is idempotent, and a migration that imported the loader would break
    once the loader names a field a later migration adds."""
    from django.db import connections

    from .models import Country
    from .reference import load_reference_data

    using = str(kwargs.get("using") or "default")
    if Country._meta.db_table not in connections[using].introspection.table_names():
        return  # after unmigrating
    # Without the search and change receivers: right after a migrate no record quotes an entry
    # that changed, and nothing is kept that a change would have to expire. After an update of the
    # files, `manage.py load_reference_data` loads them with the receivers.
    from registry.signals import disconnected

    with disconnected():
        load_reference_data()
