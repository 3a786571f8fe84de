"""The admin's bases for every record type: the workflow buttons and actions, optimistic locking,
review age, previews, and spreadsheet import and export (in the background for large files).

Each app's admin.py subclasses `PublishableAdmin` (and `RecordImportExportMixin` for the record
types that import). The import jobs' own admin is registered here.

`PublishableAdmin` is the base of the admin of every record with a workflow (partners, people,
partnerships, events, publications). Its status field is read-only: the status only changes
through the buttons and actions here, which call the transition services.
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.generic import DetailView
from import_export.admin import ExportActionMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm

from registry import services
from registry.history import record_history
from registry.models import ImportJob, SourceLink
from registry.resources import (
    CSVImport,
    JSONImport,
    TooManyRows,
    XLSXImport,
    _CappedFormat,
    import_resources,
    read_dataset,
)
from registry.tasks import import_job_confirm, import_job_start
from registry.workflow import (
    PublishableModel,
    PublishableQuerySet,
    SearchableModel,
    StaleRecordError,
    Status,
    content_language_choices,
)

REVIEW_INTERVAL = datetime.timedelta(days=730)


# The changelist posts the version of each row it showed, so a bulk action refuses stale rows.
VERSION_FIELD_PREFIX = "_version_"


# Dates are typed as YYYY-MM-DD in every language (sscregistry/formats/): the boxes say so, and so
# does the error, so that 12/09/2023 is refused with the way to write it rather than misread.
DATE_FORMAT_HINT = "Enter the date as YYYY-MM-DD, e.g. 2023-09-12."


# Typed addresses without a scheme are https (Django 6's default; set now to avoid its warning).
URL_FIELD_OVERRIDES: dict[type[models.Field], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"},
    models.DateField: {
        "widget": admin_widgets.AdminDateWidget(attrs={"placeholder": "YYYY-MM-DD"}),
        "error_messages": {"invalid": DATE_FORMAT_HINT},
    },
    models.DateTimeField: {
        "form_class": forms.SplitDateTimeField,
        "widget": admin_widgets.AdminSplitDateTime,
        "error_messages": {
            "invalid_date": DATE_FORMAT_HINT,
            "invalid_time": "Enter the time as HH:MM, e.g. 09:00.",
        },
    },
}


class WorkflowAdminForm(forms.ModelForm):
    """Carries the version the editor started from, and refuses the save if it is no longer current."""

    edit_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # ModelForm's answers its cleaned_data
        if self.instance.pk:
            if cleaned.get("edit_version") is None:
                # Without it the check below could not tell a stale save from a fresh one.
                raise forms.ValidationError(
                    "The form did not say which version of the record you started from, so it could "
                    "not check that nobody else saved it meanwhile. Nothing was saved: reload the page "
                    "and make your changes again.",
                    code="stale",
                )
            try:
                # Locks the row until the admin's transaction ends, so two saves cannot interleave.
                self.instance.check_version(cleaned.get("edit_version"))
            except StaleRecordError as error:
                raise forms.ValidationError(str(error), code="stale") from error
        return cleaned


def _seen_version(request: HttpRequest, record: PublishableModel) -> str | None:
    """The version of `record` the changelist showed (`action_checkbox` posts it), if it did."""
    return request.POST.get(f"{VERSION_FIELD_PREFIX}{record.pk}") or None


def _run_transition(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: models.QuerySet,
    transition: str,
    reason: str = "",
) -> None:
    """Apply `transition` to each record as a single transition would, versions checked."""
    done, refused, warnings = 0, [], []
    for record in queryset:
        try:
            services.record_transition(
                record=record,
                transition=transition,
                user=request.user,
                reason=reason,
                expected_version=_seen_version(request, record),
            )
            done += 1
        except (services.TransitionNotAllowed, PermissionDenied, StaleRecordError) as error:
            refused.append(str(error))
        else:
            if transition == "publish":
                warnings += services.publish_warnings(record)
    t = services.TRANSITIONS[transition]
    if done:
        modeladmin.message_user(request, f"{done} record(s) {t.done}.", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, f"{len(refused)} record(s) not {t.done}:", messages.WARNING)
    for message in (refused + warnings)[:10]:
        modeladmin.message_user(request, message, messages.WARNING)


def _transition_action(transition: str, description: str, permission: str) -> Any:
    """The changelist action that moves the selected records along `transition`."""

    @admin.action(description=description, permissions=[permission])
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet) -> None:
        _run_transition(modeladmin, request, queryset, transition)

    action.__name__ = action.__qualname__ = f"{transition}_selected"
    return action


submit_selected = _transition_action("submit", "Submit the selected records for review", "submit")
publish_selected = _transition_action("publish", "Publish the selected records", "publish")
unpublish_selected = _transition_action(
    "unpublish", "Unpublish the selected records (back to draft)", "publish"
)
archive_selected = _transition_action("archive", "Archive the selected records", "archive")


@admin.action(description="Return the selected records to draft (with a reason)", permissions=["publish"])
def return_selected_to_draft(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet
) -> HttpResponse | None:
    reason = request.POST.get("reason", "").strip()
    if "apply" in request.POST and reason:
        _run_transition(modeladmin, request, queryset, "return_to_draft", reason)
        return None
    return TemplateResponse(
        request,
        "admin/registry/reason_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Return to draft",
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "action": "return_selected_to_draft",
            # The versions the changelist showed, carried through this page so that applying the
            # action still refuses a record someone changed since (`_run_transition`).
            "seen_versions": [
                (f"{VERSION_FIELD_PREFIX}{record.pk}", version)
                for record in queryset
                if (version := _seen_version(request, record)) is not None
            ],
            "error": "Say why: the contributor will see it." if "apply" in request.POST else "",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.action(description="Mark the selected records as reviewed (still accurate)", permissions=["publish"])
def mark_selected_reviewed(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: models.QuerySet
) -> None:
    count = 0
    for record in queryset.filter(status=Status.PUBLISHED):
        services.record_mark_reviewed(record=record, user=request.user)
        count += 1
    modeladmin.message_user(
        request, f"{count} published record(s) marked as reviewed today.", messages.SUCCESS
    )


class ReviewAgeFilter(admin.SimpleListFilter):
    """Published records not confirmed for two years ('inactive' on the SDG Partnerships Platform)."""

    title = "last review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("stale", "Not reviewed for two years"), ("recent", "Reviewed in the last two years")]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        cutoff = timezone.now() - REVIEW_INTERVAL
        if self.value() == "stale":
            return cast(PublishableQuerySet, queryset).published().not_reviewed_since(cutoff)
        if self.value() == "recent":
            return queryset.filter(last_reviewed_at__gte=cutoff)
        return queryset


class PublishableAdmin(admin.ModelAdmin):
    """Shared admin behaviour for public records: workflow buttons and actions, history, audit fields."""

    form = WorkflowAdminForm
    formfield_overrides = URL_FIELD_OVERRIDES
    change_form_template = "admin/registry/change_form.html"
    workflow_base_template = "admin/change_form.html"
    object_history_template = "admin/registry/object_history.html"
    actions = [
        submit_selected,
        publish_selected,
        return_selected_to_draft,
        unpublish_selected,
        archive_selected,
        mark_selected_reviewed,
    ]
    readonly_fields = [*(f for f in services.WORKFLOW_FIELDS if f != "version"), "public_submission"]
    # A searchable record's content language and translations (registry.workflow.SearchableModel).
    languages_fieldset = (
        "Languages",
        {
            "fields": ["language", "translations"],
            "description": (
                "The language the record is written in chooses how search reads it. Translations give "
                "the title and summary in other languages; visitors of those languages see them."
            ),
        },
    )

    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # The content language is picked from the languages the registry knows, not typed.
        if db_field.name == "language" and issubclass(db_field.model, SearchableModel):
            kwargs["widget"] = forms.Select(choices=[("", "Unknown"), *content_language_choices()])
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    workflow_fieldset = (
        "Workflow",
        {
            "fields": [
                "status",
                "review_note",
                "published_at",
                ("submitted_at", "submitted_by"),
                ("last_reviewed_at", "last_reviewed_by"),
                ("created_at", "created_by"),
                ("updated_at", "updated_by"),
                "public_submission",
                "edit_version",
            ]
        },
    )

    # Permissions: a role is the set of permissions its group holds (see registry/groups.py).

    def has_submit_permission(self, request: HttpRequest) -> bool:
        return services.user_can(request.user, self.model, "submit")

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return services.user_can(request.user, self.model, "publish")

    def has_archive_permission(self, request: HttpRequest) -> bool:
        return services.user_can(request.user, self.model, "archive")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.user_can_edit(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or services.user_can_edit(request.user, obj)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("submitted_by", "last_reviewed_by")

    @admin.display(description="Proposed by")
    def public_submission(self, obj: PublishableModel) -> str:
        if obj.pk is None or not hasattr(obj, "submissions"):
            return "—"
        submission = obj.submissions.first()
        if submission is None:
            return "—"
        if not getattr(obj, "_viewer_sees_submitter", False):
            return "A visitor of the public site"
        return format_html(
            '{} &lt;<a href="mailto:{}">{}</a>&gt;, {} (private: never shown publicly)',
            submission.submitter_name,
            submission.submitter_email,
            submission.submitter_email,
            submission.created_at.strftime("%Y-%m-%d %H:%M"),
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # Submitters' contact details are for curators only.
            obj._viewer_sees_submitter = request.user.has_perm("curation.view_submission")
        return obj

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
            obj.status = Status.DRAFT  # new records always start as drafts
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def action_checkbox(self, obj: PublishableModel) -> SafeString:
        # Beside each row's checkbox, the version the curator sees: a bulk action then refuses a
        # row someone changed since, as a single transition does (`_run_transition`).
        return format_html(
            '{}<input type="hidden" name="{}{}" value="{}">',
            super().action_checkbox(obj),
            VERSION_FIELD_PREFIX,
            obj.pk,
            obj.version,
        )

    # Previews: a draft's public page, for whoever may see the draft in the admin.

    def get_view_on_site_url(self, obj: Any = None) -> str | None:
        if obj is not None and obj.pk is not None and self.view_on_site and not obj.is_published:
            if not hasattr(obj, "get_absolute_url"):
                return None  # people have no public page
            return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_preview", args=[obj.pk])
        return super().get_view_on_site_url(obj)

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        """The record's public page as it will look once published, whatever its state.

        Under /admin/, so the admin's login, two-factor gate and never-cache headers apply, and the
        anonymous page cache never sees it; marked noindex for any robot that follows a leaked link.
        """
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not hasattr(obj, "get_absolute_url"):
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        match = resolve(obj.get_absolute_url())
        public_view: Any = match.func  # made by as_view(): its view_class is the page's view
        view = preview_of(public_view.view_class).as_view(
            preview={
                "kind": obj._meta.verbose_name,
                "status": obj.get_status_display().lower(),
                "admin_url": self._change_url(obj),
            }
        )
        response = view(request, *match.args, **match.kwargs)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    # Change page: workflow buttons and the status banner.

    def available_transitions(self, request: HttpRequest, obj: PublishableModel) -> list[services.Transition]:
        return [
            t
            for name, t in services.TRANSITIONS.items()
            if services.user_can_transition(request.user, obj, name)
        ]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        extra_context = extra_context or {}
        extra_context["workflow_base_template"] = self.workflow_base_template
        if object_id:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                extra_context["transitions"] = self.available_transitions(request, obj)
                extra_context["workflow_record"] = obj
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/workflow/<str:transition>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:event_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="{}_{}_revert".format(*info),
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            *super().get_urls(),
        ]

    def _change_url(self, obj: Any) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponse:
        """Confirm a transition (asking for a reason where one is needed), then apply it."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or transition not in services.TRANSITIONS:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        t = services.TRANSITIONS[transition]
        error = ""
        if request.method == "POST":
            try:
                services.record_transition(
                    record=obj,
                    transition=transition,
                    user=request.user,
                    reason=request.POST.get("reason", ""),
                    expected_version=request.POST.get("version") or None,
                )
            except (services.TransitionNotAllowed, StaleRecordError) as exc:
                error = str(exc)
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(self._change_url(obj))
            else:
                self.message_user(request, f"“{obj}” {t.done}.", messages.SUCCESS)
                if transition == "publish":
                    for warning in services.publish_warnings(obj):
                        self.message_user(request, warning, messages.WARNING)
                return HttpResponseRedirect(self._change_url(obj))
        elif not services.user_can_transition(request.user, obj, transition):
            self.message_user(request, f"You cannot {t.label.lower()} “{obj}” now.", messages.ERROR)
            return HttpResponseRedirect(self._change_url(obj))
        return TemplateResponse(
            request,
            "admin/registry/transition_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": f"{t.label}: {obj}",
                "opts": self.opts,
                "object": obj,
                "transition": t,
                "asks_reason": t.needs_reason or t.name in ("unpublish", "archive"),
                "error": error,
                "reason": request.POST.get("reason", ""),
            },
        )

    # History: every change, with who and what, and a way back.

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # The admin's own "not found" answer (private, so not in the stubs).
            return self._get_obj_does_not_exist_redirect(  # type: ignore[attr-defined]
                request, self.opts, object_id
            )
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        can_revert = services.user_can_edit(request.user, obj)
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "groups": record_history(obj, can_revert=can_revert),
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def revert_view(self, request: HttpRequest, object_id: str, event_id: int) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not services.user_can_edit(request.user, obj):
            raise PermissionDenied
        event = obj.history.filter(pgh_id=event_id).first()
        if event is None:
            raise Http404
        fields = services.revertible_fields(self.model)
        if request.method == "POST":
            with transaction.atomic():
                services.record_revert(record=obj, event=event, user=request.user)
            self.message_user(
                request,
                f"“{obj}” restored to its version of {event.pgh_created_at:%Y-%m-%d %H:%M} "
                "(status unchanged).",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._change_url(obj))
        rows = [
            (
                f.verbose_name,
                _value_text(obj, f),
                _value_text(event, f),
            )
            for f in fields
            if getattr(obj, f.attname) != getattr(event, f.attname)
        ]
        return TemplateResponse(
            request,
            "admin/registry/revert_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Restore an earlier version: {obj}",
                "opts": self.opts,
                "object": obj,
                "event": event,
                "rows": rows,
            },
        )


def every_status(public: models.QuerySet) -> models.QuerySet:
    """A public detail view's queryset over records in every state, for previews.

    Only the record's own status filter goes: its joins and its prefetches stay, and those are
    what keep draft partners, events and publications off a published record's page, so the
    preview shows what the public will see once the record alone is published.
    """
    records = public.model._default_manager.all()
    records.query.select_related = public.query.select_related
    # The queryset's prefetches (private, so not in the stubs).
    return records.prefetch_related(*public._prefetch_related_lookups)  # type: ignore[attr-defined]


@functools.cache
def preview_of(view_class: type[DetailView]) -> type[DetailView]:
    """`view_class` (a public detail page) showing a record whatever its state, marked as a preview."""

    class Preview(view_class):  # type: ignore[valid-type, misc]  # a subclass of the view given
        preview: dict[str, str] = {}

        def get_queryset(self) -> models.QuerySet:
            return every_status(super().get_queryset())

        def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
            return {**super().get_context_data(**kwargs), "preview": self.preview}

    Preview.__name__ = Preview.__qualname__ = f"{view_class.__name__}Preview"
    return Preview


def _value_text(instance: Any, f: models.Field) -> str:
    if f.is_relation:
        value = getattr(instance, f.attname)
        if value is None:
            return "—"
        target = cast(type[models.Model], f.related_model)._default_manager.filter(pk=value).first()
        return str(target) if target is not None else f"#{value}"
    value = getattr(instance, f.attname)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    return "—" if value in (None, "", []) else str(value)


class LimitedImportForm(ImportForm):
    """The import form, refusing files over IMPORT_MAX_FILE_SIZE before they are parsed."""

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        limit = settings.IMPORT_MAX_FILE_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size // 1024} KB; at most {limit // 1024} KB can be imported at once."
            )
        return upload


class RecordImportExportMixin(ImportExportMixin, ExportActionMixin):
    """Import (CSV, XLSX, JSON, with a dry-run preview) and export (CSV, XLSX) of the changelist.

    The resources in registry/resources.py decide what a row may do; see docs/curation.md. A file
    of more than IMPORT_BACKGROUND_ROWS rows is checked and imported by the task worker instead of
    in the request (an `ImportJob`, shown under Registry › Import jobs).
    """

    # Readers that stop at IMPORT_MAX_ROWS + 1 rows instead of parsing the whole file first.
    import_formats = [CSVImport, XLSXImport, JSONImport]
    import_form_class = LimitedImportForm
    import_template_name = "admin/registry/import.html"
    export_formats = [CSV, XLSX]
    # The workflow change form, built on import-export's (which adds an Export button).
    change_form_template = "admin/registry/change_form.html"
    workflow_base_template = "admin/import_export/change_form.html"

    if TYPE_CHECKING:  # mixed into a ModelAdmin, whose method this is

        def message_user(
            self,
            request: HttpRequest,
            message: Any,
            level: int | str = ...,
            extra_tags: str = ...,
            fail_silently: bool = ...,
        ) -> None: ...

    def get_import_context_data(self, **kwargs: Any) -> dict:
        return {
            **super().get_import_context_data(**kwargs),
            "import_max_rows": settings.IMPORT_MAX_ROWS,
            "import_background_rows": settings.IMPORT_BACKGROUND_ROWS,
        }

    def add_data_read_fail_error_to_form(self, form: forms.Form, e: Exception) -> None:
        if isinstance(e, TooManyRows):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    # The stubs say it always renders (TemplateResponse); a large file redirects to its job.
    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        if request.method == "POST" and request.FILES and self.has_import_permission(request):
            job = self.start_background_import(request)
            if job is not None:
                self.message_user(
                    request,
                    f"{job.file_name} has {job.rows_total} rows: it is being checked in the background. "
                    "This page follows the check; nothing is imported until you confirm it.",
                    messages.INFO,
                )
                return HttpResponseRedirect(reverse("admin:registry_importjob_change", args=[job.pk]))
        return super().import_action(request, **kwargs)

    def start_background_import(self, request: HttpRequest) -> ImportJob | None:
        """An import job for an uploaded file of more than IMPORT_BACKGROUND_ROWS rows, else None.

        Smaller files, and files that cannot be read or are over IMPORT_MAX_ROWS, go on to the
        usual preview, which shows them or says what is wrong.
        """
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        # The classes of import_formats (the stubs say instances of Format).
        format_class = cast(
            "type[_CappedFormat]", self.get_import_formats()[int(form.cleaned_data["format"])]
        )
        upload = form.cleaned_data["import_file"]
        content = b"".join(upload.chunks())
        try:
            rows = len(read_dataset(content, format_class.format_name))
        except Exception:  # noqa: BLE001 (over IMPORT_MAX_ROWS, or unreadable: the preview says so)
            return None
        if rows <= settings.IMPORT_BACKGROUND_ROWS:
            return None
        resource_class = self.choose_import_resource_class(form, request)
        kind = next(name for name, cls in import_resources().items() if cls is resource_class)
        return import_job_start(
            kind=kind,
            file_name=upload.name,
            file_format=format_class.format_name,
            content=content,
            rows=rows,
            user=request.user,
        )


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Background imports with their progress; an importer sees their own, curators everyone's.

    The list and a running job's page refresh themselves (a meta refresh: no script) until the
    worker is done. A checked job's page has the button that confirms its import.
    """

    list_display = ["__str__", "created_by", "created_at", "phase", "state", "progress"]
    list_filter = ["state", "kind"]
    list_select_related = ["created_by"]
    change_list_template = "admin/registry/importjob/change_list.html"
    change_form_template = "admin/registry/importjob/change_form.html"
    fields = [
        "kind",
        "file_name",
        "created_by",
        "created_at",
        "phase",
        "state",
        "progress",
        "started_at",
        "finished_at",
        "summary",
        "error_list",
        "note_list",
    ]
    readonly_fields = cast(list[str], fields)  # names only, no groups
    # Seconds between refreshes while a job waits or runs.
    refresh_seconds = 2

    def sees_everyone(self, request: HttpRequest) -> bool:
        return request.user.has_perm("registry.view_importjob")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return obj is None or obj.created_by_id == user.pk or self.sees_everyone(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs start from a record type's Import button

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request).defer("content")
        return queryset if self.sees_everyone(request) else queryset.filter(created_by=request.user)

    @admin.display(description="Step")
    def phase(self, job: ImportJob) -> str:
        return "Check (dry run)" if job.dry_run else "Import"

    @admin.display(description="Progress")
    def progress(self, job: ImportJob) -> str:
        return format_html(
            '<progress value="{}" max="{}"></progress> {} of {} rows ({}%)',
            job.rows_done,
            job.rows_total or 1,
            job.rows_done,
            job.rows_total,
            job.percent_done,
        )

    @admin.display(description="Result")
    def summary(self, job: ImportJob) -> str:
        if not job.totals:
            return "—"
        verb = "would be" if job.dry_run else "were"
        t = job.totals
        counts = f"{t.get('new', 0)} new, {t.get('update', 0)} updated, {t.get('skip', 0)} unchanged"
        return f"{counts} rows {verb} written."

    @admin.display(description="Errors")
    def error_list(self, job: ImportJob) -> str:
        return _bullets(job.errors) or "None"

    @admin.display(description="Notes")
    def note_list(self, job: ImportJob) -> str:
        return _bullets(job.notes) or "None"

    def get_urls(self) -> list:
        return [
            path(
                "<int:job_id>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="registry_importjob_confirm",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        active = self.get_queryset(request).filter(
            state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
        )
        extra_context = {
            **(extra_context or {}),
            "refresh_seconds": self.refresh_seconds if active.exists() else 0,
        }
        return super().changelist_view(request, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        job = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if job is not None:
            extra_context["refresh_seconds"] = self.refresh_seconds if job.is_active else 0
            extra_context["can_confirm"] = (
                job.state == ImportJob.State.CHECKED and job.created_by_id == request.user.pk
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def confirm_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        job = self.get_object(request, str(job_id))
        if job is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:registry_importjob_change", args=[job.pk]))
        try:
            import_job_confirm(job=job, user=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
        except ValueError as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            self.message_user(
                request,
                "Import confirmed: the worker writes it in one go (all rows or none).",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:registry_importjob_change", args=[job.pk]))


def _bullets(lines: list[str]) -> str:
    if not lines:
        return ""
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines)))


class SourceLinkInline(GenericTabularInline):
    model = SourceLink
    extra = 0
    formfield_overrides = URL_FIELD_OVERRIDES
    fields = ["url", "title", "published_on", "note"]


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
