"""API viewset for publications."""

from __future__ import annotations

from registry.rest import PublicRecordViewSet, documented

from . import serializers
from .filters import PublicationFilter
from .models import Publication
from .shapes import PUBLICATION


@documented("Publication")
class PublicationViewSet(PublicRecordViewSet):
    model = Publication
    serializer_class = serializers.PublicationSerializer
    write_serializer_class = serializers.PublicationWriteSerializer
    filterset_class = PublicationFilter
    shape = PUBLICATION
    export_filename = "publications"
