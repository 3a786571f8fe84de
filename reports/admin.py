"""The curators' admin for publications and series."""

from __future__ import annotations

from django.contrib import admin

from registry.admin import URL_FIELD_OVERRIDES, PublishableAdmin, RecordImportExportMixin, SourceLinkInline
from reports.resources import PublicationResource

from . import models


class AuthorshipInline(admin.TabularInline):
    model = models.Authorship
    extra = 0
    autocomplete_fields = ["person"]


class PublicationOrganisationInline(admin.TabularInline):
    model = models.PublicationOrganisation
    extra = 0
    autocomplete_fields = ["partner"]


class LanguageVersionInline(admin.TabularInline):
    model = models.LanguageVersion
    extra = 0
    formfield_overrides = URL_FIELD_OVERRIDES
    autocomplete_fields = ["language"]


class PublicationRelationInline(admin.TabularInline):
    model = models.PublicationRelation
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name = "relation to another publication"


@admin.register(models.Publication)
class PublicationAdmin(RecordImportExportMixin, PublishableAdmin):
    resource_classes = [PublicationResource]
    list_display = ["title", "publication_type", "publication_date", "series", "status"]
    list_filter = ["status", "publication_type", "series", "language_versions__language", "publication_date"]
    list_select_related = ["series"]
    search_fields = ["title", "summary", "document_symbol", "language_versions__title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = [
        "series",
        "launched_at",
        "partnerships",
        "related_events",
        "regions",
        "themes",
        "document_category",
    ]
    filter_horizontal = ["sdgs"]
    date_hierarchy = "publication_date"
    inlines = [
        AuthorshipInline,
        PublicationOrganisationInline,
        LanguageVersionInline,
        PublicationRelationInline,
        SourceLinkInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "publication_type", "document_category", "summary"]}),
        (
            "Publication",
            {
                "fields": [
                    ("publication_date", "publication_date_precision"),
                    "series",
                    "document_symbol",
                    ("launched_at", "launch_type"),
                ]
            },
        ),
        ("Related", {"fields": ["partnerships", "related_events", "sdgs", "regions", "themes"]}),
        PublishableAdmin.languages_fieldset,
        PublishableAdmin.workflow_fieldset,
    ]


@admin.register(models.Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "publisher"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["publisher"]
