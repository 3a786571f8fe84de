from django.apps import AppConfig


class SSCRegistryConfig(AppConfig):
    """The composition root: settings, URLs, the API router, home and open-data pages, and the
    commands that span every app (seed, synthetic data, dump, backup and restore)."""

    name = "sscregistry"
    verbose_name = "SSC Registry"
