from django.contrib.admin.apps import AdminConfig


class RegistryAdminConfig(AdminConfig):
    """Django's admin, with the registry's admin site (optional two-factor login)."""

    default_site = "sscregistry.admin.RegistryAdminSite"
