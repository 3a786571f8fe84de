from registry import apps as registry_apps


class PartnershipsConfig(registry_apps.RegistryAppConfig):
    name = "partnerships"
    verbose_name = "Partners and partnerships"
    contributes = ("resources", "search", "signals", "site")
