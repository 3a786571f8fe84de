"""The admin site, with the curators' review queue across every kind of record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from registry.admin_site import SecureAdminSite
from registry.groups import publishable_models
from registry.workflow import PublishableModel


@dataclass
class QueueEntry:
    record: PublishableModel
    kind: str
    url: str
    submitted_at: Any
    submitted_by: str
    waiting_days: int


class RegistryAdminSite(SecureAdminSite):
    site_header = "SSC Registry curation"
    site_title = "SSC Registry"
    index_title = "Records and vocabularies"
    index_template = "admin/curation/index.html"

    def get_urls(self) -> list:
        return [
            path("review-queue/", self.admin_view(self.review_queue_view), name="review_queue"),
            *super().get_urls(),
        ]

    def queue_models(self, request: HttpRequest) -> list[type[PublishableModel]]:
        from django.apps import apps

        # Every record type with a workflow, in the order of INSTALLED_APPS and of each app's models
        # (also the order of records submitted at the same moment).
        models = [apps.get_model(app, name) for app, name in publishable_models()]
        return [
            m
            for m in models
            if m in self._registry and self._registry[m].has_view_or_change_permission(request)
        ]

    def review_queue(self, request: HttpRequest) -> list[QueueEntry]:
        """Records in review, oldest submission first, with who submitted them."""
        now = timezone.now()
        sees_submitters = request.user.has_perm("curation.view_submission")
        entries = []
        models = self.queue_models(request)
        order = {model: position for position, model in enumerate(models)}
        for model in models:
            queryset = model._default_manager.in_review().select_related("submitted_by")
            if hasattr(model, "submissions"):
                queryset = queryset.prefetch_related("submissions")
            for record in queryset:
                submitted_at = record.submitted_at or record.updated_at
                if record.submitted_by is not None:
                    who = record.submitted_by.get_full_name() or record.submitted_by.get_username()
                else:
                    submission = record.submissions.all()[0] if hasattr(record, "submissions") else None
                    who = "Public site"
                    if submission is not None and sees_submitters:
                        who = f"Public site: {submission.submitter_name} <{submission.submitter_email}>"
                entries.append(
                    QueueEntry(
                        record=record,
                        kind=str(model._meta.verbose_name).capitalize(),
                        url=reverse(
                            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk]
                        ),
                        submitted_at=submitted_at,
                        submitted_by=who,
                        waiting_days=(now - submitted_at).days,
                    )
                )
        entries.sort(key=lambda e: (e.submitted_at, order[type(e.record)], e.record.pk))
        return entries

    def review_queue_view(self, request: HttpRequest) -> HttpResponse:
        entries = self.review_queue(request)
        return TemplateResponse(
            request,
            "admin/curation/review_queue.html",
            {**self.each_context(request), "title": "Review queue", "entries": entries},
        )

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = extra_context or {}
        models = self.queue_models(request)
        extra_context["review_queue_count"] = sum(m._default_manager.in_review().count() for m in models)
        return super().index(request, extra_context)
