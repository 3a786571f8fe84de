"""API viewset for publications."""

from __future__ import annotations

from registry.rest import PublicRecordViewSet, documented

from . import serializers
from .exports import PUBLICATION_COLUMNS
from .filters import PublicationFilter
from .lean import PublicationExport, PublicationReader
from .models import Publication


@documented("Publication")
class PublicationViewSet(PublicRecordViewSet):
    model = Publication
    serializer_class = serializers.PublicationSerializer
    write_serializer_class = serializers.PublicationWriteSerializer
    filterset_class = PublicationFilter
    select_related = serializers.PUBLICATION_SELECT
    prefetch_related = serializers.PUBLICATION_PREFETCHES
    export_columns = PUBLICATION_COLUMNS
    lean_reader = PublicationReader
    lean_export = PublicationExport
    export_filename = "publications"
