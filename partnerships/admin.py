"""The curators' admin for partners, people, partnerships and the reference vocabularies."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from curation.admin import (
    URL_FIELD_OVERRIDES,
    PartnerAdminMixin,
    PublishableAdmin,
    RecordImportExportMixin,
    ReviewAgeFilter,
)
from curation.resources import PartnerResource, PartnershipResource

from .models import (
    ActivityStatus,
    Country,
    DocumentCategory,
    Language,
    Modality,
    OrganisationRole,
    OrganisationType,
    Participation,
    Partner,
    PartnerName,
    PartnerRedirect,
    Partnership,
    Person,
    Platform,
    Region,
    SDGTarget,
    SourceLink,
    SustainableDevelopmentGoal,
    Theme,
)


class SourceLinkInline(GenericTabularInline):
    model = SourceLink
    extra = 0
    formfield_overrides = URL_FIELD_OVERRIDES
    fields = ["url", "title", "published_on", "note"]


class PartnerNameInline(admin.TabularInline):
    model = PartnerName
    extra = 0
    autocomplete_fields = ["language"]


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
    search_fields = ["name", "acronym", "identifier", "alternative_names__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country", "parent", "organisation_type"]
    inlines = [PartnerNameInline, SourceLinkInline]
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
                    "website",
                    "parent",
                    "description",
                    "possible_duplicates",
                ]
            },
        ),
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
        PublishableAdmin.workflow_fieldset,
    ]


# Reference vocabularies: searchable so that autocomplete widgets can use them.


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "alpha3",
        "region",
        "subregion",
        "is_ldc",
        "is_lldc",
        "is_sids",
        "global_south",
    ]
    list_filter = ["region", "subregion", "is_ldc", "is_lldc", "is_sids", "global_south"]
    search_fields = ["name", "code", "alpha3", "name_fr", "name_es"]
    list_select_related = ["region", "subregion"]


class SDGTargetInline(admin.TabularInline):
    model = SDGTarget
    extra = 0
    fields = ["code", "title"]


@admin.register(SustainableDevelopmentGoal)
class SDGAdmin(admin.ModelAdmin):
    list_display = ["code", "short_title", "colour"]
    search_fields = ["code", "title", "short_title"]
    inlines = [SDGTargetInline]


@admin.register(SDGTarget)
class SDGTargetAdmin(admin.ModelAdmin):
    list_display = ["code", "goal", "title"]
    list_filter = ["goal"]
    search_fields = ["code", "title"]


@admin.register(OrganisationType, OrganisationRole, ActivityStatus, Modality)
class CodeNameAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(DocumentCategory)
class DocumentCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category"]
    list_filter = ["category"]
    search_fields = ["code", "name"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Platform, Theme)
class SlugNameAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SourceLink)
class SourceLinkAdmin(admin.ModelAdmin):
    """Every source of every record, to search them; each is edited on its record's own page.

    A source is part of its record and follows the record's workflow: a contributor may change the
    sources of a draft, never those of a published record. Edits here would bypass that (the record's
    permissions are not this page's), so this page only lists and links.
    """

    list_display = ["__str__", "url", "record_link", "published_on"]
    list_filter = ["content_type"]
    search_fields = ["url", "title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="record")
    def record_link(self, obj: SourceLink) -> str:
        record = obj.record
        if record is None:
            return "—"
        try:
            opts = record._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
        except NoReverseMatch:
            return str(record)
        return format_html('<a href="{}">{}: {}</a>', url, record._meta.verbose_name.capitalize(), record)


@admin.register(PartnerRedirect)
class PartnerRedirectAdmin(admin.ModelAdmin):
    """Addresses of merged partners; created by the merge action, listed here for reference."""

    list_display = ["old_slug", "old_name", "partner", "created_at"]
    search_fields = ["old_slug", "old_name", "partner__name"]
    list_select_related = ["partner"]
    readonly_fields = ["old_slug", "old_name", "partner", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
