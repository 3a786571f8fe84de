"""API viewset for events."""

from __future__ import annotations

from registry.rest import PublicRecordViewSet, documented

from . import serializers
from .exports import EVENT_COLUMNS
from .filters import EventFilter
from .lean import EventExport, EventReader
from .models import Event


@documented("Event")
class EventViewSet(PublicRecordViewSet):
    model = Event
    serializer_class = serializers.EventSerializer
    write_serializer_class = serializers.EventWriteSerializer
    filterset_class = EventFilter
    select_related = serializers.EVENT_SELECT
    prefetch_related = serializers.EVENT_PREFETCHES
    export_columns = EVENT_COLUMNS
    lean_reader = EventReader
    lean_export = EventExport
    export_filename = "events"
