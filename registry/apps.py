from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The registry's core: workflow, sources, search, caches and the API, admin and import bases.

    It imports no domain app. The domain apps register what they contribute (search documents,
    JSON-LD, sitemaps, feeds, import resources, review-queue entries) in their `ready()`.
    """

    name = "registry"
    verbose_name = "Registry"
    registry_app = True  # its models' permissions go to the curation roles (registry/groups.py)

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import changes, signals
        from .groups import sync_groups

        post_migrate.connect(sync_groups, sender=self)
        signals.connect()
        changes.register_change_trigger()
