"""Spreadsheet import and export of events (see registry/resources.py)."""

from __future__ import annotations

from partnerships.resources import PartnerRolesResource
from registry.resources import WORKFLOW_COLUMNS, label_column

from .models import Event, EventOrganiser


class EventResource(PartnerRolesResource):
    event_type_label = label_column("event_type")
    country_label = label_column("country")
    organisers, organiser_labels = PartnerRolesResource.role_columns()
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
            "language",
            "translations",
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
