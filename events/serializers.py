"""API representations of events. Linked records appear only when published."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnerships.serializers import (
    PartnerCompactSerializer,
    PartnershipCompactSerializer,
    PersonCompactSerializer,
    TitledCompactSerializer,
)
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
from vocabularies.models import Country, Theme

from .models import DOCUMENT_SYMBOL_RE, Event, EventOrganiser, EventParticipant, RegistrationLink

PUBLISHED = Status.PUBLISHED


@extend_schema_field(OpenApiTypes.DATETIME)
class LocalDateTimeField(serializers.Field):
    """A moment shown in the event's own time zone, with that zone's offset."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(source="*", **kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.moment = field_name

    def to_representation(self, event: Event) -> str:
        value: datetime.datetime = getattr(event, self.moment)
        return value.astimezone(event.zone).isoformat()


class OrganiserSerializer(serializers.Serializer):
    partner = PartnerCompactSerializer()
    role = serializers.ChoiceField(choices=EventOrganiser.Role.choices)


class SpeakerSerializer(serializers.Serializer):
    person = serializers.SerializerMethodField()
    description = serializers.CharField(help_text="Who they are, when the source does not name them.")
    role = serializers.ChoiceField(choices=EventParticipant.Role.choices)
    representing = serializers.SerializerMethodField()

    @extend_schema_field(PersonCompactSerializer(allow_null=True))
    def get_person(self, participant: EventParticipant) -> dict | None:
        return PersonCompactSerializer(participant.person).data if participant.person_id else None

    @extend_schema_field(PartnerCompactSerializer(allow_null=True))
    def get_representing(self, participant: EventParticipant) -> dict | None:
        partner = published_or_none(participant.representing)
        return PartnerCompactSerializer(partner).data if partner else None


class RegistrationLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegistrationLink
        fields = ["kind", "url", "note"]


class EventCompactSerializer(TitledCompactSerializer):
    pass


class EventSerializer(RecordSerializer):
    api_view_name = "event-detail"
    type = serializers.ChoiceField(source="event_type", choices=Event.Type.choices, read_only=True)
    start = LocalDateTimeField(help_text="ISO 8601 with the offset of the event's time zone.")
    end = LocalDateTimeField(help_text="ISO 8601 with the offset of the event's time zone.")
    status = serializers.ChoiceField(source="event_status", choices=Event.EventStatus.choices, read_only=True)
    country = CodeNameSerializer(allow_null=True, read_only=True)
    organisers = OrganiserSerializer(source="public_organisers", many=True, read_only=True)
    speakers = SpeakerSerializer(
        source="public_participants",
        many=True,
        read_only=True,
        help_text="Speakers, presenters, moderators, guests and delegates, in programme order.",
    )
    registration_links = RegistrationLinkSerializer(many=True, read_only=True)
    parent = serializers.SerializerMethodField(help_text="The event this one takes place within.")
    themes = SlugNameSerializer(many=True, read_only=True)
    partnerships = PartnershipCompactSerializer(source="public_partnerships", many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "slug",
            "url",
            "web_url",
            "title",
            "short_title",
            "type",
            "theme",
            "description",
            "start",
            "end",
            "timezone",
            "all_day",
            "date_precision",
            "schedule_note",
            "attendance_mode",
            "status",
            "venue",
            "city",
            "country",
            "organisers",
            "speakers",
            "registration_links",
            "parent",
            "themes",
            "partnerships",
            "document_symbols",
            "sources",
            "published_at",
            "updated_at",
        ]

    @extend_schema_field(EventCompactSerializer(allow_null=True))
    def get_parent(self, event: Event) -> dict | None:
        parent = published_or_none(event.parent)
        return EventCompactSerializer(parent).data if parent else None


@extend_schema_field({"type": "string", "maxLength": 60, "pattern": DOCUMENT_SYMBOL_RE.pattern})
class DocumentSymbolField(TextField):
    """A UN document symbol; the schema gives the model validator's pattern, which a space or a
    newline around the symbol does not match, so they are not trimmed away either."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(trim_whitespace=False, **kwargs)


@extend_schema_field({"type": "string", "enum": sorted(zoneinfo.available_timezones())})
class TimezoneField(TextField):
    """An IANA time zone name; the schema lists those the model's validator accepts."""


class EventWriteSerializer(WriteSerializer):
    timezone = TimezoneField(
        required=False,
        max_length=64,
        help_text="The IANA time zone the event was announced in, e.g. Africa/Kigali (default UTC).",
    )
    document_symbols = serializers.ListField(
        child=DocumentSymbolField(max_length=60),
        required=False,
        help_text="UN document symbols the event refers to, e.g. A/C.2/66/L.48.",
    )
    country = KeyRelatedField(queryset=Country.objects.all(), allow_null=True, required=False)
    parent = SlugLinkField(slug_field="slug", queryset=Event.objects.all(), allow_null=True, required=False)
    themes = SlugLinkField(slug_field="slug", queryset=Theme.objects.all(), many=True, required=False)

    class Meta:
        model = Event
        fields = [
            "slug",
            "workflow_status",
            "version",
            "title",
            "short_title",
            "description",
            "theme",
            "event_type",
            "start",
            "end",
            "timezone",
            "all_day",
            "date_precision",
            "schedule_note",
            "venue",
            "city",
            "country",
            "attendance_mode",
            "event_status",
            "parent",
            "themes",
            "document_symbols",
        ]
