"""Events as a public record type (registry/site.py)."""

from registry.site import PublicRecordType, register_public_type

from .jsonld import event
from .models import Event


def register() -> None:
    """Called once from EventsConfig.ready()."""
    register_public_type(PublicRecordType(Event, "events", "events:event-list", "Events", jsonld=event))
