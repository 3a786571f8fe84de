"""The curators' admin for the reference vocabularies."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    ActivityStatus,
    Country,
    DocumentCategory,
    Language,
    Modality,
    OrganisationRole,
    OrganisationType,
    Platform,
    Region,
    SDGTarget,
    SustainableDevelopmentGoal,
    Theme,
)


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
