"""API viewset for events."""

from __future__ import annotations

from registry.rest import record_viewset

from . import serializers
from .filters import EventFilter
from .shapes import EVENT

EventViewSet = record_viewset(EVENT, EventFilter, serializers.EventWriteSerializer)
