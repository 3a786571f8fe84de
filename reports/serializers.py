"""Curators' writes of publications. The read answers are the shape's (`reports/shapes.py`), which
also gives their OpenAPI schema."""

from __future__ import annotations

from events.models import Event
from registry.serializers import KeyRelatedField, SlugLinkField, WriteSerializer
from vocabularies.models import DocumentCategory, Region, SustainableDevelopmentGoal, Theme

from . import models


class PublicationWriteSerializer(WriteSerializer):
    document_category = KeyRelatedField(
        queryset=DocumentCategory.objects.all(), allow_null=True, required=False
    )
    series = SlugLinkField(
        slug_field="slug", queryset=models.Series.objects.all(), allow_null=True, required=False
    )
    launched_at = SlugLinkField(
        slug_field="slug", queryset=Event.objects.all(), allow_null=True, required=False
    )
    sdgs = KeyRelatedField(queryset=SustainableDevelopmentGoal.objects.all(), many=True, required=False)
    regions = KeyRelatedField(queryset=Region.objects.all(), many=True, required=False)
    themes = SlugLinkField(slug_field="slug", queryset=Theme.objects.all(), many=True, required=False)

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
        ]
