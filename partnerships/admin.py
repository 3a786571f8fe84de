"""The curators' admin for partners, people and partnerships, with duplicate checks and merging."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from partnerships.models import (
    Participation,
    Partner,
    PartnerName,
    PartnerRedirect,
    PartnerRelation,
    Partnership,
    Person,
)
from registry import services
from registry.admin import (
    PublishableAdmin,
    RecordImportExportMixin,
    ReviewAgeFilter,
    SourceLinkInline,
    WorkflowAdminForm,
)

from .duplicates import similar_partners
from .resources import PartnerResource, PartnershipResource
from .services import partner_merge


def _duplicate_links(partners: list[Partner]) -> str:
    return format_html_join(
        "; ",
        '<a href="{}" target="_blank">{}</a> ({}, {} similar)',
        (
            (
                reverse("admin:partnerships_partner_change", args=[p.pk]),
                str(p),
                p.get_status_display().lower(),
                f"{p.similarity:.0%}",
            )
            for p in partners
        ),
    )


class PartnerAdminForm(WorkflowAdminForm):
    """Warns about likely duplicates of a new (or renamed) partner before saving it."""

    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label="Not a duplicate",
        help_text="Tick to save even though partners with similar names exist.",
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        renamed = self.instance.pk is None or {"name", "acronym"} & set(self.changed_data)
        if renamed and not cleaned.get("confirm_not_duplicate"):
            duplicates = similar_partners(
                names=[cleaned.get("name") or "", cleaned.get("acronym") or ""], exclude_pk=self.instance.pk
            )
            if duplicates:
                raise forms.ValidationError(
                    format_html(
                        "This may be a partner the registry already has: {}. Check them, then tick "
                        "“Not a duplicate” to save anyway (or merge the duplicates afterwards).",
                        _duplicate_links(duplicates),
                    ),
                    code="possible_duplicate",
                )
        return cleaned


class PartnerAdminMixin:
    """Partner-only admin features: duplicate warnings and the merge action."""

    form = PartnerAdminForm

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_readonly_fields(request, obj), "possible_duplicates"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        fieldsets = super().get_fieldsets(request, obj)
        main = dict(fieldsets[0][1])
        main["fields"] = [*main["fields"], "confirm_not_duplicate"]
        return [(fieldsets[0][0], main), *fieldsets[1:]]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        if services.user_can(request.user, Partner, "merge"):
            actions["merge_partners"] = (
                merge_partners,
                "merge_partners",
                merge_partners.short_description,
            )
        return actions

    @admin.display(description="Similar partners")
    def possible_duplicates(self, obj: Partner) -> str:
        if obj is None or obj.pk is None:
            return "—"
        names = [obj.name, obj.acronym, *obj.alternative_names.values_list("name", flat=True)]
        duplicates = similar_partners(names=names, exclude_pk=obj.pk)
        return _duplicate_links(duplicates) if duplicates else "None found"


@admin.action(description="Merge the selected partners into one")
def merge_partners(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet) -> Any:
    partners = list(queryset.order_by("pk"))
    if len(partners) < 2:
        modeladmin.message_user(request, "Select at least two partners to merge.", messages.WARNING)
        return None
    survivor_id = request.POST.get("survivor")
    if "apply" in request.POST and survivor_id:
        survivor = next((p for p in partners if str(p.pk) == survivor_id), None)
        if survivor is None:
            modeladmin.message_user(request, "Choose the partner to keep.", messages.ERROR)
            return None
        try:
            with transaction.atomic():
                reports = [
                    partner_merge(survivor=survivor, duplicate=p, user=request.user)
                    for p in partners
                    if p.pk != survivor.pk
                ]
        except (PermissionDenied, RuntimeError, ValueError) as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
            return None
        moved = "; ".join(r.summary() for r in reports)
        modeladmin.message_user(
            request,
            f"Merged {len(reports)} partner(s) into “{survivor}” ({moved}). "
            "Their old addresses now redirect there.",
            messages.SUCCESS,
        )
        return None
    return TemplateResponse(
        request,
        "admin/partnerships/merge_partners.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Merge partners",
            "opts": modeladmin.model._meta,
            "partners": partners,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


class PartnerNameInline(admin.TabularInline):
    model = PartnerName
    extra = 0
    autocomplete_fields = ["language"]


class PartnerRelationInline(admin.TabularInline):
    """Its former parents and its predecessors, with their dates. The current parent is the
    Parent organisation field; children and successors are recorded on their own pages."""

    model = PartnerRelation
    fk_name = "partner"
    extra = 0
    autocomplete_fields = ["related"]
    verbose_name = "relation to another organisation"
    verbose_name_plural = "relations to other organisations (former parents, predecessors)"


@admin.register(Partner)
class PartnerAdmin(PartnerAdminMixin, RecordImportExportMixin, PublishableAdmin):
    resource_classes = [PartnerResource]
    list_display = [
        "name",
        "acronym",
        "organisation_type",
        "country",
        "identifier",
        "status",
        "last_reviewed_at",
        "updated_at",
    ]
    list_filter = [
        "status",
        ReviewAgeFilter,
        "organisation_type",
        ("country", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["organisation_type", "country"]
    search_fields = [
        "name",
        "acronym",
        "identifier",
        "=ror_id",
        "=wikidata_id",
        "iati_identifier",
        "alternative_names__name",
    ]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "parent", "organisation_type"]
    inlines = [PartnerNameInline, PartnerRelationInline, SourceLinkInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "acronym",
                    "slug",
                    "organisation_type",
                    "country",
                    "identifier",
                    ("ror_id", "wikidata_id", "iati_identifier"),
                    "website",
                    "parent",
                    "description",
                    "possible_duplicates",
                ]
            },
        ),
        PublishableAdmin.languages_fieldset,
        PublishableAdmin.workflow_fieldset,
    ]


@admin.register(Person)
class PersonAdmin(PublishableAdmin):
    list_display = ["name", "position", "affiliation", "status"]
    list_filter = ["status", ("affiliation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["affiliation"]
    search_fields = ["name", "position", "affiliation__name", "affiliation__acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["affiliation"]
    inlines = [SourceLinkInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "position", "affiliation"]}),
        PublishableAdmin.workflow_fieldset,
    ]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["partner"]
    fields = ["partner", "role", "triangular_role", "description"]


@admin.register(Partnership)
class PartnershipAdmin(RecordImportExportMixin, PublishableAdmin):
    resource_classes = [PartnershipResource]
    list_display = ["title", "activity_status", "start_date", "status", "last_reviewed_at", "updated_at"]
    list_filter = [
        "status",
        ReviewAgeFilter,
        "activity_status",
        "modalities",
        "platforms",
        "sdgs",
        ("countries", admin.RelatedOnlyFieldListFilter),
        "start_date",
    ]
    list_select_related = ["activity_status"]
    search_fields = [
        "title",
        "summary",
        "participations__partner__name",
        "participations__partner__acronym",
    ]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["countries", "regions", "sdg_targets", "themes", "platforms"]
    filter_horizontal = ["sdgs", "modalities"]
    date_hierarchy = "start_date"
    inlines = [ParticipationInline, SourceLinkInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "objective", "description"]}),
        (
            "Classification",
            {"fields": ["modalities", "activity_status", "platforms", "sdgs", "sdg_targets", "themes"]},
        ),
        (
            "Dates and places",
            {
                "fields": [
                    ("start_date", "start_date_precision"),
                    ("end_date", "end_date_precision"),
                    "countries",
                    "regions",
                ]
            },
        ),
        PublishableAdmin.languages_fieldset,
        PublishableAdmin.workflow_fieldset,
    ]


# Reference vocabularies: searchable so that autocomplete widgets can use them.


@admin.register(PartnerRedirect)
class PartnerRedirectAdmin(admin.ModelAdmin):
    """Addresses of merged partners; created by the merge action, listed here for reference."""

    list_display = ["old_slug", "old_name", "partner", "created_at"]
    search_fields = ["old_slug", "old_name", "partner__name"]
    list_select_related = ["partner"]
    readonly_fields = ["old_slug", "old_name", "partner", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
