"""API representations of the reference vocabularies, and curators' writes of partnerships,
partners and people.

The records' read answers are their shapes' (`partnerships/shapes.py`), which also give their
OpenAPI schema. Write serializers take vocabulary entries by their codes and slugs and never touch
`status`.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from partnerships.models import Participation, Partner, Partnership, Person
from registry.openapi import object_serializer
from registry.serializers import KeyRelatedField, SlugLinkField, TextField, WriteSerializer
from registry.shapes import CODE_NAME
from vocabularies import models as vocabularies

CodeName = object_serializer(CODE_NAME)  # a region as the records show their vocabulary entries


# Reference vocabularies.


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = vocabularies.SDGTarget
        fields = ["code", "title", "title_fr", "title_es", "titles_source"]


class SDGSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sdg-detail", lookup_field="code")
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = vocabularies.SustainableDevelopmentGoal
        fields = [
            "code",
            "url",
            "title",
            "title_fr",
            "title_es",
            "titles_source",
            "short_title",
            "colour",
            "targets",
        ]


class RegionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="region-detail", lookup_field="code")
    parent = serializers.CharField(
        source="parent_id", allow_null=True, help_text="M49 code of the region above."
    )

    class Meta:
        model = vocabularies.Region
        fields = ["code", "url", "name", "level", "parent"]


class CountrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="country-detail", lookup_field="code")
    region = CodeName(allow_null=True, read_only=True)
    subregion = CodeName(allow_null=True, read_only=True)
    intermediate_region = CodeName(allow_null=True, read_only=True)

    class Meta:
        model = vocabularies.Country
        fields = [
            "code",
            "url",
            "alpha3",
            "numeric",
            "name",
            "name_fr",
            "name_es",
            "region",
            "subregion",
            "intermediate_region",
            "is_ldc",
            "is_lldc",
            "is_sids",
            "global_south",
            "global_south_source",
            "global_south_as_of",
        ]


class PlatformSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="platform-detail", lookup_field="slug")

    class Meta:
        model = vocabularies.Platform
        fields = ["slug", "url", "name", "description"]


class OrganisationTypeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organisation-type-detail", lookup_field="code")

    class Meta:
        model = vocabularies.OrganisationType
        fields = ["code", "url", "name", "description"]


class LanguageSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="language-detail", lookup_field="code")

    class Meta:
        model = vocabularies.Language
        fields = ["code", "url", "name"]


# Curators' writes. Status is never writable: new records are drafts, and publishing goes through
# the publish action (partnerships.services.record_publish) for those allowed to publish.


class ParticipantWriteSerializer(serializers.Serializer):
    partner = SlugLinkField(slug_field="slug", queryset=Partner.objects.all())
    role = KeyRelatedField(
        queryset=vocabularies.OrganisationRole.objects.all(), allow_null=True, required=False
    )
    triangular_role = serializers.ChoiceField(
        choices=Participation._meta.get_field("triangular_role").choices, allow_blank=True, required=False
    )
    description = TextField(max_length=300, allow_blank=True, required=False)


class PartnerWriteSerializer(WriteSerializer):
    class Meta:
        model = Partner
        fields = [
            "slug",
            "workflow_status",
            "version",
            "name",
            "acronym",
            "organisation_type",
            "country",
            "identifier",
            "ror_id",
            "wikidata_id",
            "iati_identifier",
            "website",
            "description",
            "parent",
            "language",
            "translations",
        ]
        extra_kwargs = {
            "website": {
                "help_text": "An http, https, ftp or ftps address whose host is a valid domain name "
                "(at most 253 characters) or IP address, as Django's URLValidator checks it."
            }
        }


class PartnershipWriteSerializer(WriteSerializer):
    participants = ParticipantWriteSerializer(many=True, required=False)

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "workflow_status",
            "version",
            "title",
            "summary",
            "objective",
            "description",
            "modalities",
            "activity_status",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "platforms",
            "sdgs",
            "sdg_targets",
            "countries",
            "regions",
            "themes",
            "participants",
            "language",
            "translations",
        ]

    def validate_participants(self, participants: list[dict]) -> list[dict]:
        seen = set()
        for item in participants:
            if "partner" not in item:  # a PATCH does not make a participant's fields required
                raise serializers.ValidationError("Each participant names its partner (`partner`).")
            key = (item["partner"].pk, getattr(item.get("role"), "pk", None))
            if key in seen:
                raise serializers.ValidationError(
                    f"{item['partner'].slug} is listed twice with the same role."
                )
            seen.add(key)
        return participants

    def create(self, validated_data: dict[str, Any]) -> Partnership:
        participants = validated_data.pop("participants", None)
        partnership = super().create(validated_data)
        self._save_participants(partnership, participants)
        return partnership

    def update(self, instance: Partnership, validated_data: dict[str, Any]) -> Partnership:
        participants = validated_data.pop("participants", None)
        partnership = super().update(instance, validated_data)
        self._save_participants(partnership, participants)
        return partnership

    def _save_participants(self, partnership: Partnership, participants: list[dict] | None) -> None:
        if participants is None:
            return  # not given: leave the participants as they are
        partnership.participations.all().delete()
        Participation.objects.bulk_create(
            Participation(
                partnership=partnership,
                partner=item["partner"],
                role=item.get("role"),
                triangular_role=item.get("triangular_role", ""),
                description=item.get("description", ""),
            )
            for item in participants
        )
        # bulk_create sends no signals: rewrite the search document that names the partners.
        from registry.search import search_index_update

        search_index_update(Partnership, [partnership.pk])


class PersonWriteSerializer(WriteSerializer):
    class Meta:
        model = Person
        fields = ["slug", "workflow_status", "version", "name", "position", "affiliation"]
