"""The admin of the proposals sent through the public site."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Proposals from the public site, with the submitters' private contact details."""

    list_display = ["__str__", "kind", "submitter_name", "submitter_email", "created_at", "record_status"]
    list_filter = ["kind", "created_at"]
    search_fields = ["submitter_name", "submitter_email", "partnership__title", "event__title"]
    list_select_related = ["partnership", "event"]
    readonly_fields = [
        "kind",
        "record_link",
        "new_partner_links",
        "submitter_name",
        "submitter_email",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Record status")
    def record_status(self, obj: Submission) -> str:
        record = obj.record
        return record.get_status_display() if record else "deleted"

    @admin.display(description="Record")
    def record_link(self, obj: Submission) -> str:
        record = obj.record
        if record is None:
            return "—"
        url = reverse(f"admin:{record._meta.app_label}_{record._meta.model_name}_change", args=[record.pk])
        return format_html('<a href="{}">{}</a> ({})', url, record, record.get_status_display())

    @admin.display(description="New partners")
    def new_partner_links(self, obj: Submission) -> str:
        return (
            format_html_join(
                ", ",
                '<a href="{}">{}</a>',
                (
                    (reverse("admin:partnerships_partner_change", args=[p.pk]), str(p))
                    for p in obj.new_partners.all()
                ),
            )
            or "—"
        )
