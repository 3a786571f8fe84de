"""The search document of events (registered with the core's search)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef

from partnerships.search import country_names
from registry.search import (
    SearchDocument,
    array_text,
    joined,
    name_and_acronym,
    register_document,
)
from registry.workflow import Status


def event_document(apps: Any) -> dict[str, list[Any]]:
    get = apps.get_model
    organisers = get("events", "EventOrganiser").objects.filter(
        event=OuterRef("pk"), partner__status=Status.PUBLISHED
    )
    themes = get("vocabularies", "Theme").objects.filter(events=OuterRef("pk"))
    return {
        "A": [F("title"), F("short_title")],
        "B": [
            F("theme"),
            F("venue"),
            F("city"),
            *country_names("country_id", apps),
            joined(organisers, name_and_acronym("partner__")),
            joined(themes, F("name")),
            array_text("document_symbols"),
        ],
        "C": [F("description"), F("schedule_note")],
    }


def register() -> None:
    register_document(
        SearchDocument(
            model="events.event",
            exact=("title", "short_title"),
            weights=event_document,
            parts={"events.eventorganiser": "event_id"},
            vocabularies={"vocabularies.theme": "themes", "vocabularies.country": "country"},
            many_to_many=("themes",),
            quotes={"partnerships.partner": "organisers"},
        )
    )
