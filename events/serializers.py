"""Curators' writes of events. The read answers are the shape's (`events/shapes.py`), which also
gives their OpenAPI schema."""

from __future__ import annotations

import zoneinfo
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from registry.serializers import TextField, WriteSerializer

from .models import DOCUMENT_SYMBOL_RE, Event


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
            "language",
            "translations",
        ]
