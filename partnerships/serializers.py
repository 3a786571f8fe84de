"""API representations of partnerships, partners, people and the reference vocabularies.

Read serializers show only published linked records: the viewsets prefetch linked rows through
the `PUBLIC_*` prefetches below (into `public_*` attributes), and these serializers read those.
Write serializers take vocabulary entries by their codes and slugs and never touch `status`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships.models import Participation, Partner, PartnerName, Partnership, Person
from registry.serializers import (
    CodeNameSerializer,
    KeyRelatedField,
    RecordSerializer,
    SlugLinkField,
    SlugNameSerializer,
    SourceSerializer,
    TextField,
    WriteSerializer,
    published_or_none,
)
from registry.workflow import Status
from vocabularies import models as vocabularies

PUBLISHED = Status.PUBLISHED


# Compact forms of vocabulary entries and linked records.


class SDGCompactSerializer(serializers.Serializer):
    code = serializers.IntegerField()
    title = serializers.CharField(source="short_title")


class TargetCompactSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class PartnerCompactSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    acronym = serializers.CharField()
    country = serializers.CharField(source="country_id", allow_null=True, help_text="ISO alpha-2 code.")


class PersonCompactSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


# A linked record known by its title (a partnership, an event, a publication). No docstring: the
# schema would give it to every subclass as its description.
class TitledCompactSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class PartnershipCompactSerializer(TitledCompactSerializer):
    pass


# Reference vocabularies.


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = vocabularies.SDGTarget
        fields = ["code", "title"]


class SDGSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sdg-detail", lookup_field="code")
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = vocabularies.SustainableDevelopmentGoal
        fields = ["code", "url", "title", "short_title", "colour", "targets"]


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
    region = CodeNameSerializer(allow_null=True, read_only=True)
    subregion = CodeNameSerializer(allow_null=True, read_only=True)
    intermediate_region = CodeNameSerializer(allow_null=True, read_only=True)

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


# Partners and people.

PUBLIC_PARENT = "parent"  # select_related; shown only when published


class AlternativeNameSerializer(serializers.ModelSerializer):
    language = serializers.CharField(source="language_id", allow_null=True, help_text="ISO 639-1 code.")

    class Meta:
        model = PartnerName
        fields = ["name", "language", "kind"]


class PartnerSerializer(RecordSerializer):
    api_view_name = "partner-detail"
    type = CodeNameSerializer(source="organisation_type", allow_null=True, read_only=True)
    country = CodeNameSerializer(allow_null=True, read_only=True)
    alternative_names = AlternativeNameSerializer(many=True, read_only=True)
    parent = serializers.SerializerMethodField()
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Partner
        fields = [
            "slug",
            "url",
            "web_url",
            "name",
            "acronym",
            "alternative_names",
            "type",
            "country",
            "identifier",
            "website",
            "description",
            "parent",
            "sources",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(PartnerCompactSerializer(allow_null=True))
    def get_parent(self, partner: Partner) -> dict | None:
        parent = published_or_none(partner.parent)
        return PartnerCompactSerializer(parent).data if parent else None


class PersonSerializer(RecordSerializer):
    api_view_name = "person-detail"
    affiliation = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["slug", "url", "web_url", "name", "position", "affiliation", "published_at", "updated_at"]

    @extend_schema_field(PartnerCompactSerializer(allow_null=True))
    def get_affiliation(self, person: Person) -> dict | None:
        affiliation = published_or_none(person.affiliation)
        return PartnerCompactSerializer(affiliation).data if affiliation else None


# Partnerships.


class ParticipantSerializer(serializers.Serializer):
    partner = PartnerCompactSerializer()
    role = CodeNameSerializer(allow_null=True, help_text="IATI OrganisationRole, when the source gives it.")
    triangular_role = serializers.CharField(
        help_text="In triangular cooperation: beneficiary, pivotal or facilitating (empty if none)."
    )
    description = serializers.CharField()


class PartnershipSerializer(RecordSerializer):
    api_view_name = "partnership-detail"
    modalities = CodeNameSerializer(many=True, read_only=True)
    status = CodeNameSerializer(
        source="activity_status",
        allow_null=True,
        read_only=True,
        help_text="Where the partnership stands (IATI ActivityStatus).",
    )
    participants = ParticipantSerializer(source="public_participations", many=True, read_only=True)
    platforms = SlugNameSerializer(many=True, read_only=True)
    sdgs = SDGCompactSerializer(many=True, read_only=True)
    sdg_targets = TargetCompactSerializer(many=True, read_only=True)
    countries = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="ISO alpha-2 codes of the countries covered."
    )
    regions = CodeNameSerializer(many=True, read_only=True)
    themes = SlugNameSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "url",
            "web_url",
            "title",
            "summary",
            "objective",
            "description",
            "modalities",
            "status",
            "start_date",
            "start_date_precision",
            "end_date",
            "end_date_precision",
            "participants",
            "platforms",
            "sdgs",
            "sdg_targets",
            "countries",
            "regions",
            "themes",
            "sources",
            "published_at",
            "updated_at",
        ]


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
    organisation_type = KeyRelatedField(
        queryset=vocabularies.OrganisationType.objects.all(), allow_null=True, required=False
    )
    country = KeyRelatedField(queryset=vocabularies.Country.objects.all(), allow_null=True, required=False)
    parent = SlugLinkField(slug_field="slug", queryset=Partner.objects.all(), allow_null=True, required=False)

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
            "website",
            "description",
            "parent",
        ]
        extra_kwargs = {
            "website": {
                "help_text": "An http, https, ftp or ftps address whose host is a valid domain name "
                "(at most 253 characters) or IP address, as Django's URLValidator checks it."
            }
        }


class PartnershipWriteSerializer(WriteSerializer):
    modalities = KeyRelatedField(queryset=vocabularies.Modality.objects.all(), many=True, required=False)
    activity_status = KeyRelatedField(
        queryset=vocabularies.ActivityStatus.objects.all(), allow_null=True, required=False
    )
    platforms = SlugLinkField(
        slug_field="slug", queryset=vocabularies.Platform.objects.all(), many=True, required=False
    )
    sdgs = KeyRelatedField(
        queryset=vocabularies.SustainableDevelopmentGoal.objects.all(), many=True, required=False
    )
    sdg_targets = KeyRelatedField(queryset=vocabularies.SDGTarget.objects.all(), many=True, required=False)
    countries = KeyRelatedField(queryset=vocabularies.Country.objects.all(), many=True, required=False)
    regions = KeyRelatedField(queryset=vocabularies.Region.objects.all(), many=True, required=False)
    themes = SlugLinkField(
        slug_field="slug", queryset=vocabularies.Theme.objects.all(), many=True, required=False
    )
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
    affiliation = SlugLinkField(
        slug_field="slug", queryset=Partner.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Person
        fields = ["slug", "workflow_status", "version", "name", "position", "affiliation"]
