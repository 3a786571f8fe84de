"""Curators' writes of publications. The read answers are the shape's (`reports/shapes.py`), which
also gives their OpenAPI schema."""

from __future__ import annotations

from registry.serializers import WriteSerializer

from . import models


class PublicationWriteSerializer(WriteSerializer):
    class Meta:
        model = models.Publication
        fields = [
            "slug",
            "workflow_status",
            "version",
            "title",
            "publication_type",
            "document_category",
            "summary",
            "publication_date",
            "publication_date_precision",
            "series",
            "document_symbol",
            "launched_at",
            "launch_type",
            "sdgs",
            "regions",
            "themes",
            "language",
            "translations",
        ]
