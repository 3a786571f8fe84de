from importlib import import_module

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """The registry's core: workflow, sources, search, caches and the API, admin and import bases.

    It imports no domain app. The domain apps register what they contribute (search documents,
    JSON-LD, sitemaps, feeds, import resources, review-queue entries) in their `ready()`.
    """

    name = "registry"
    verbose_name = "Registry"
    default = True  # the app's config, not the base below
    registry_app = True  # its models' permissions go to the curation roles (registry/groups.py)

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import changes, signals
        from .groups import sync_groups

        post_migrate.connect(sync_groups, sender=self)
        signals.connect()
        changes.register_change_trigger()


class RegistryAppConfig(AppConfig):
    """An app whose models are registry records (their permissions go to the curation roles,
    registry/groups.py) and which contributes to the core when it is ready.

    Subclass it through the module (`registry_apps.RegistryAppConfig`), so that Django finds one
    config in the app's apps.py. Each module named in `contributes` has a `register()`, called in
    order from `ready()`: for example `resources` (import resources), `search` (search documents),
    `site` (public record types: JSON-LD, sitemap section, breadcrumbs) and `signals` (the app's
    own receivers).
    """

    registry_app = True
    contributes: tuple[str, ...] = ()

    def ready(self) -> None:
        for module in self.contributes:
            import_module(f"{self.name}.{module}").register()
