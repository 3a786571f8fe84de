"""API representations of partnerships, partners, people and the reference vocabularies.

Read serializers show only published linked records: the viewsets prefetch linked rows through
the `PUBLIC_*` prefetches below (into `public_*` attributes), and these serializers read those.
Write serializers take vocabulary entries by their codes and slugs and never touch `status`.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from .base import Status
from .models import (
    ActivityStatus,
    Country,
    Language,
    Modality,
    OrganisationRole,
    OrganisationType,
    Participation,
    Partner,
    PartnerName,
    Partnership,
    Person,
    Platform,
    Region,
    SDGTarget,
    SourceLink,
    SustainableDevelopmentGoal,
    Theme,
)

PUBLISHED = Status.PUBLISHED


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class WebUrlField(serializers.Field):
    """The record's public web page as an absolute URL (null for records without a page)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        if not hasattr(value, "get_absolute_url"):
            return None
        request = self.context.get("request")
        path = value.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class RecordSerializer(serializers.ModelSerializer):
    """Common fields of a public record: slug, API url and web page."""

    url = serializers.HyperlinkedIdentityField(view_name="placeholder", lookup_field="slug")
    web_url = WebUrlField()

    api_view_name = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].view_name = self.api_view_name


# Compact forms of vocabulary entries and linked records.


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SlugNameSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


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


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SourceLink
        fields = ["url", "title", "published_on", "note"]


def published_or_none(record: Any) -> Any:
    """A linked record, or None when it is not published (drafts never leak through links)."""
    return record if record is not None and record.status == PUBLISHED else None


# Reference vocabularies.


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SDGTarget
        fields = ["code", "title"]


class SDGSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="sdg-detail", lookup_field="code")
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = SustainableDevelopmentGoal
        fields = ["code", "url", "title", "short_title", "colour", "targets"]


class RegionSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="region-detail", lookup_field="code")
    parent = serializers.CharField(
        source="parent_id", allow_null=True, help_text="M49 code of the region above."
    )

    class Meta:
        model = Region
        fields = ["code", "url", "name", "level", "parent"]


class CountrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="country-detail", lookup_field="code")
    region = CodeNameSerializer(allow_null=True, read_only=True)
    subregion = CodeNameSerializer(allow_null=True, read_only=True)
    intermediate_region = CodeNameSerializer(allow_null=True, read_only=True)

    class Meta:
        model = Country
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
        model = Platform
        fields = ["slug", "url", "name", "description"]


class OrganisationTypeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="organisation-type-detail", lookup_field="code")

    class Meta:
        model = OrganisationType
        fields = ["code", "url", "name", "description"]


class LanguageSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="language-detail", lookup_field="code")

    class Meta:
        model = Language
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


class _TextOnly:
    """Text only, as the schema says: DRF would otherwise read 5 or 5.0 as "5"."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(_TextOnly, serializers.CharField):
    pass


class URLTextField(_TextOnly, serializers.URLField):
    pass


class SlugTextField(_TextOnly, serializers.SlugField):
    pass


class EmailTextField(_TextOnly, serializers.EmailField):
    pass


class TrueFalseField(serializers.BooleanField):
    """true or false only: DRF would otherwise also read "yes", "on", 1, "0" and the like."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class KeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A linked vocabulary entry by its primary key, of the key's own type: a string code, or a
    whole number for the SDGs. DRF would otherwise read 1.5 as SDG 1, pass 1e999 (infinity) to
    int() (a 500), and take "" for null where the schema asks for a code."""

    def run_validation(self, data: Any = empty) -> Any:
        if data == "":
            self.fail("does_not_exist", pk_value=data)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        key_type = int if isinstance(self.queryset.model._meta.pk, models.IntegerField) else str
        if isinstance(data, bool) or not isinstance(data, key_type):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugLinkField(serializers.SlugRelatedField):
    """A linked record or vocabulary entry by its slug, which is text: DRF would read 5 as "5"."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ParticipantWriteSerializer(serializers.Serializer):
    partner = SlugLinkField(slug_field="slug", queryset=Partner.objects.all())
    role = KeyRelatedField(queryset=OrganisationRole.objects.all(), allow_null=True, required=False)
    triangular_role = serializers.ChoiceField(
        choices=Participation._meta.get_field("triangular_role").choices, allow_blank=True, required=False
    )
    description = TextField(max_length=300, allow_blank=True, required=False)


def _unstorable(value: Any) -> bool:
    """Whether `value` holds text PostgreSQL cannot store: NUL, or a lone UTF-16 surrogate (a JSON
    body may escape one, \\ud800, and Python reads it, but it is no character in UTF-8)."""
    if isinstance(value, str):
        return "\x00" in value or _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_unstorable(v) for v in value)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


class WriteSerializer(serializers.ModelSerializer):
    """Validates with the model's own clean() and constraints, so the API and the admin agree.
    Values must have the type the schema gives them (text is a string, a flag true or false)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.URLField: URLTextField,
        models.SlugField: SlugTextField,
        models.EmailField: EmailTextField,
        models.BooleanField: TrueFalseField,
    }

    # The record's place in the curators' workflow. Not `status`: read answers use that name for
    # what the record reports (a partnership's activity status, an event's status).
    workflow_status = serializers.ChoiceField(
        source="status",
        choices=Status.choices,
        read_only=True,
        help_text="Where the record stands in the curators' workflow; changed only by the transitions.",
    )
    slug = serializers.SlugField(read_only=True)

    def to_internal_value(self, data: Any) -> Any:
        # PostgreSQL refuses NUL and lone surrogates in text: one in a related slug or code would
        # reach the lookup query and fail there (a 500), so refuse it up front as a clear 400.
        if _unstorable(data):
            raise serializers.ValidationError(
                {"non_field_errors": ["Values may not contain NUL (\\x00) or lone surrogates (\\ud800)."]}
            )
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from django.core.exceptions import ValidationError as DjangoValidationError

        plain = {
            name: value
            for name, value in attrs.items()
            if not isinstance(self.fields[name], (serializers.ManyRelatedField, serializers.ListSerializer))
        }
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for name, value in plain.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=["slug", "created_by", "updated_by", "search_vector", "search_text"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        for name in plain:
            if name in attrs:
                attrs[name] = getattr(instance, name)  # clean() may normalise (partial dates)
        return attrs


class PartnerWriteSerializer(WriteSerializer):
    organisation_type = KeyRelatedField(
        queryset=OrganisationType.objects.all(), allow_null=True, required=False
    )
    country = KeyRelatedField(queryset=Country.objects.all(), allow_null=True, required=False)
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
    modalities = KeyRelatedField(queryset=Modality.objects.all(), many=True, required=False)
    activity_status = KeyRelatedField(queryset=ActivityStatus.objects.all(), allow_null=True, required=False)
    platforms = SlugLinkField(slug_field="slug", queryset=Platform.objects.all(), many=True, required=False)
    sdgs = KeyRelatedField(queryset=SustainableDevelopmentGoal.objects.all(), many=True, required=False)
    sdg_targets = KeyRelatedField(queryset=SDGTarget.objects.all(), many=True, required=False)
    countries = KeyRelatedField(queryset=Country.objects.all(), many=True, required=False)
    regions = KeyRelatedField(queryset=Region.objects.all(), many=True, required=False)
    themes = SlugLinkField(slug_field="slug", queryset=Theme.objects.all(), many=True, required=False)
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
        from .search import search_index_update

        search_index_update(Partnership, [partnership.pk])


class PersonWriteSerializer(WriteSerializer):
    affiliation = SlugLinkField(
        slug_field="slug", queryset=Partner.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Person
        fields = ["slug", "workflow_status", "version", "name", "position", "affiliation"]
