"""Spreadsheet import and export of events (see registry/resources.py)."""

from __future__ import annotations

from import_export import fields, widgets

from partnerships.models import Partnership
from partnerships.resources import PartnerRolesResource
from registry.resources import (
    WORKFLOW_COLUMNS,
    ChoiceWidget,
    CodesWidget,
    CodeWidget,
    VocabularyListWidget,
    VocabularyWidget,
    label_column,
)
from vocabularies.models import Country, Theme

from .models import Event, EventOrganiser


class EventResource(PartnerRolesResource):
    event_type = fields.Field(attribute="event_type", widget=ChoiceWidget(Event.Type.choices))
    attendance_mode = fields.Field(
        attribute="attendance_mode", widget=ChoiceWidget(Event.AttendanceMode.choices)
    )
    event_status = fields.Field(attribute="event_status", widget=ChoiceWidget(Event.EventStatus.choices))
    event_type_label = label_column("event_type")
    country = fields.Field(attribute="country", widget=VocabularyWidget(Country))
    country_label = label_column("country")
    parent = fields.Field(attribute="parent", widget=CodeWidget(Event, "slug"))
    document_symbols = fields.Field(attribute="document_symbols", widget=widgets.SimpleArrayWidget(","))
    partnerships = fields.Field(attribute="partnerships", widget=CodesWidget(Partnership, field="slug"))
    themes = fields.Field(attribute="themes", widget=VocabularyListWidget(Theme))
    organisers = fields.Field(readonly=True, dehydrate_method="dehydrate_roles")
    organiser_labels = fields.Field(readonly=True, dehydrate_method="dehydrate_role_labels")
    part_columns = ("organisers",)
    roles_relation = "organiser_roles"
    role_choices = EventOrganiser.Role
    default_role = EventOrganiser.Role.ORGANISER

    class Meta(PartnerRolesResource.Meta):
        model = Event
        fields = [
            "slug",
            "title",
            "short_title",
            "event_type",
            "event_type_label",
            "theme",
            "description",
            "start",
            "end",
            "timezone",
            "all_day",
            "date_precision",
            "venue",
            "city",
            "country",
            "country_label",
            "attendance_mode",
            "event_status",
            "parent",
            "organisers",
            "organiser_labels",
            "partnerships",
            "themes",
            "document_symbols",
            *WORKFLOW_COLUMNS,
        ]


def register() -> None:
    from registry.resources import register_resource

    register_resource("events", EventResource)
