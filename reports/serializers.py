"""API representations of publications. Linked records appear only when published."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import Event
from events.serializers import EventCompactSerializer
from partnerships.serializers import (
    PartnerCompactSerializer,
    PartnershipCompactSerializer,
    SDGCompactSerializer,
    TitledCompactSerializer,
)
from registry.serializers import (
    CodeNameSerializer,
    KeyRelatedField,
    RecordSerializer,
    SlugLinkField,
    SlugNameSerializer,
    SourceSerializer,
    WriteSerializer,
    published_or_none,
)
from registry.workflow import Status
from vocabularies.models import DocumentCategory, Region, SustainableDevelopmentGoal, Theme

from . import models
from .uploads import publication_file_url

PUBLISHED = Status.PUBLISHED


class AuthorSerializer(serializers.Serializer):
    slug = serializers.SlugField(source="person.slug")
    name = serializers.CharField(source="person.name")
    role = serializers.ChoiceField(choices=models.Authorship.Role.choices)


class OrganisationRoleSerializer(serializers.Serializer):
    partner = PartnerCompactSerializer()
    role = serializers.ChoiceField(choices=models.PublicationOrganisation.Role.choices)


class LanguageVersionSerializer(serializers.ModelSerializer):
    language = serializers.CharField(source="language_id", help_text="ISO 639-1 code.")
    url = serializers.SerializerMethodField(
        help_text="Where to read this version: its web page or file (null when the source gives none)."
    )

    class Meta:
        model = models.LanguageVersion
        fields = ["language", "title", "url", "is_original"]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, version: models.LanguageVersion) -> str | None:
        if version.url:
            return version.url
        if version.file:
            request = self.context.get("request")
            address = publication_file_url(version.publication.slug, version.file.name)
            return request.build_absolute_uri(address) if request else address
        return None


class PublicationCompactSerializer(TitledCompactSerializer):
    pass


class RelationSerializer(serializers.Serializer):
    type = serializers.ChoiceField(source="relation_type", choices=models.PublicationRelation.Type.choices)
    publication = PublicationCompactSerializer(source="target")


class PublicationSerializer(RecordSerializer):
    api_view_name = "publication-detail"
    type = serializers.ChoiceField(
        source="publication_type", choices=models.Publication.Type.choices, read_only=True
    )
    document_category = CodeNameSerializer(allow_null=True, read_only=True)
    series = SlugNameSerializer(allow_null=True, read_only=True)
    authors = AuthorSerializer(source="public_authorships", many=True, read_only=True)
    organisations = OrganisationRoleSerializer(source="public_organisations", many=True, read_only=True)
    language_versions = LanguageVersionSerializer(many=True, read_only=True)
    relations = RelationSerializer(source="public_relations", many=True, read_only=True)
    launched_at = serializers.SerializerMethodField(
        help_text="The event where the publication was launched, adopted or presented (see launch_type)."
    )
    partnerships = PartnershipCompactSerializer(source="public_partnerships", many=True, read_only=True)
    sdgs = SDGCompactSerializer(many=True, read_only=True)
    regions = CodeNameSerializer(many=True, read_only=True)
    themes = SlugNameSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = models.Publication
        fields = [
            "slug",
            "url",
            "web_url",
            "title",
            "type",
            "document_category",
            "summary",
            "publication_date",
            "publication_date_precision",
            "series",
            "document_symbol",
            "authors",
            "organisations",
            "language_versions",
            "relations",
            "launched_at",
            "launch_type",
            "partnerships",
            "sdgs",
            "regions",
            "themes",
            "sources",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(EventCompactSerializer(allow_null=True))
    def get_launched_at(self, publication: models.Publication) -> dict[str, Any] | None:
        event = published_or_none(publication.launched_at)
        return EventCompactSerializer(event).data if event else None


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
