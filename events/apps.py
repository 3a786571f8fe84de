from registry import apps as registry_apps


class EventsConfig(registry_apps.RegistryAppConfig):
    name = "events"
    contributes = ("resources", "search", "site")
