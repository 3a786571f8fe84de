from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    registry_app = True  # its models' permissions go to the curation roles (registry/groups.py)

    def ready(self) -> None:
        from registry.site import PublicRecordType, register_public_type

        from . import resources, search
        from .jsonld import event
        from .models import Event

        resources.register()
        search.register()
        register_public_type(PublicRecordType(Event, "events", "events:event-list", "Events", jsonld=event))
