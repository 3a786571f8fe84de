from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation"
    registry_app = True  # its models' permissions go to the curation roles (registry/groups.py)
    default = True


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the registry's admin site (review queue on the index)."""

    default = False
    default_site = "curation.sites.RegistryAdminSite"
