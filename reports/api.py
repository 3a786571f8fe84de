"""API viewset for publications."""

from __future__ import annotations

from registry.rest import record_viewset

from . import serializers
from .filters import PublicationFilter
from .shapes import PUBLICATION

PublicationViewSet = record_viewset(PUBLICATION, PublicationFilter, serializers.PublicationWriteSerializer)
