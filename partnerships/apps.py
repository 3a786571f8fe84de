from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partners and partnerships"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals
        from .groups import sync_groups

        post_migrate.connect(sync_groups, sender=self)
        signals.connect()
        signals.register_change_trigger()
