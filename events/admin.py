"""The curators' admin for events."""

from __future__ import annotations

import zoneinfo

from django.contrib import admin
from django.utils import timezone

from events.resources import EventResource
from registry.admin import (
    URL_FIELD_OVERRIDES,
    PublishableAdmin,
    RecordImportExportMixin,
    SourceLinkInline,
    WorkflowAdminForm,
)

from .models import Event, EventOrganiser, EventParticipant, RegistrationLink


class EventAdminForm(WorkflowAdminForm):
    """Start and end are typed and shown in the event's own time zone, not the server's."""

    class Meta:
        model = Event
        # The admin adds the rest of the fields from EventAdmin.fieldsets.
        fields = ["timezone", "start", "end"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.timezone:
            zone = zoneinfo.ZoneInfo(self.instance.timezone)
            for name in ("start", "end"):
                value = getattr(self.instance, name)
                if value is not None:
                    self.initial[name] = timezone.make_naive(value, zone)

    def clean(self) -> dict:
        cleaned = super().clean()
        zone_name = cleaned.get("timezone")
        if zone_name and zone_name in zoneinfo.available_timezones():
            zone = zoneinfo.ZoneInfo(zone_name)
            for name in ("start", "end"):
                value = cleaned.get(name)
                if value is not None:
                    # The form parsed the input in the server's zone; re-read it in the event's.
                    cleaned[name] = timezone.make_aware(timezone.make_naive(value), zone)
            if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
                self.add_error("end", "The end cannot be before the start.")
        return cleaned


class EventOrganiserInline(admin.TabularInline):
    model = EventOrganiser
    extra = 0
    autocomplete_fields = ["partner"]


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 0
    autocomplete_fields = ["person", "representing"]
    fields = ["person", "description", "role", "representing", "order"]


class RegistrationLinkInline(admin.TabularInline):
    model = RegistrationLink
    extra = 0
    formfield_overrides = URL_FIELD_OVERRIDES


class EventPublicationInline(admin.TabularInline):
    """The publications that belong with the event. The link is declared by the publications app,
    which builds on this one, so its table is reached through the relation, not imported."""

    model = Event._meta.get_field("publications").through
    extra = 0
    autocomplete_fields = ["publication"]
    verbose_name = "related publication"
    verbose_name_plural = "related publications"


@admin.register(Event)
class EventAdmin(RecordImportExportMixin, PublishableAdmin):
    form = EventAdminForm
    resource_classes = [EventResource]
    list_display = [
        "title",
        "event_type",
        "start",
        "city",
        "country",
        "attendance_mode",
        "event_status",
        "status",
    ]
    list_filter = [
        "status",
        "event_type",
        "attendance_mode",
        "event_status",
        ("country", admin.RelatedOnlyFieldListFilter),
        "start",
    ]
    list_select_related = ["country"]
    search_fields = ["title", "short_title", "city", "venue", "theme"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["country", "parent", "partnerships", "themes"]
    date_hierarchy = "start"
    inlines = [
        EventOrganiserInline,
        EventParticipantInline,
        RegistrationLinkInline,
        EventPublicationInline,
        SourceLinkInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "short_title", "slug", "event_type", "theme", "description", "parent"]}),
        (
            "When",
            {
                "fields": [
                    "timezone",
                    ("start", "end"),
                    "all_day",
                    "date_precision",
                    "schedule_note",
                    "event_status",
                    "announced_on",
                ]
            },
        ),
        ("Where", {"fields": ["attendance_mode", "venue", "city", "country"]}),
        ("Related", {"fields": ["partnerships", "themes", "document_symbols"]}),
        PublishableAdmin.languages_fieldset,
        PublishableAdmin.workflow_fieldset,
    ]
