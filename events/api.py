"""API viewset for events."""

from __future__ import annotations

from registry.rest import PublicRecordViewSet, documented

from . import serializers
from .filters import EventFilter
from .models import Event
from .shapes import EVENT


@documented("Event")
class EventViewSet(PublicRecordViewSet):
    model = Event
    serializer_class = serializers.EventSerializer
    write_serializer_class = serializers.EventWriteSerializer
    filterset_class = EventFilter
    shape = EVENT
    export_filename = "events"
