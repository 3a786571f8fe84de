from django.contrib.admin import apps as admin_apps

from registry import apps as registry_apps


class CurationConfig(registry_apps.RegistryAppConfig):
    name = "curation"
    verbose_name = "Curation"
    default = True


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the registry's admin site (review queue on the index)."""

    default = False
    default_site = "curation.sites.RegistryAdminSite"
