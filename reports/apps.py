from registry import apps as registry_apps


class ReportsConfig(registry_apps.RegistryAppConfig):
    name = "reports"
    verbose_name = "Publications"
    contributes = ("resources", "search", "site")
