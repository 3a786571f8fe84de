"""Building blocks shared by every public record: workflow status, audit fields, partial dates."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class PublishableQuerySet(models.QuerySet):
    """Query vocabulary common to every public record."""

    def published(self) -> PublishableQuerySet:
        return self.filter(status=Status.PUBLISHED)

    def drafts(self) -> PublishableQuerySet:
        return self.filter(status=Status.DRAFT)

    def in_review(self) -> PublishableQuerySet:
        return self.filter(status=Status.IN_REVIEW)


class PublishableModel(models.Model):
    """A record with a workflow status: only `published` rows are ever shown to the public."""

    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published records appear on the public site, the API, feeds and exports.",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the record was first published. Set by the workflow."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    def mark_published(self, when: datetime.datetime | None = None) -> None:
        """Set the status to published, keeping the first publication time."""
        self.status = Status.PUBLISHED
        if self.published_at is None:
            self.published_at = when or timezone.now()


class SearchableModel(models.Model):
    """A record found by the registry's search: a stored full-text vector and its plain text.

    Both are written by `partnerships.search` (never by forms), from the record and its related
    names, whenever one of them changes.
    """

    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(
        blank=True, default="", editable=False, help_text="Lower-cased, unaccented text for typo matching."
    )

    class Meta:
        abstract = True


def search_indexes(model_name: str) -> list[GinIndex]:
    """A GIN index for full-text search and a trigram GIN index for typo-tolerant matching."""
    return [
        GinIndex(fields=["search_vector"], name=f"{model_name}_search_vector"),
        GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name=f"{model_name}_search_trgm"),
    ]


def published_constraint(model_name: str) -> models.CheckConstraint:
    """A published record always says when it was published."""
    return models.CheckConstraint(
        condition=~models.Q(status=Status.PUBLISHED) | models.Q(published_at__isnull=False),
        name=f"{model_name}_published_has_date",
        violation_error_message="A published record needs a publication time.",
    )


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """Render a date only as precisely as the source gave it: '2007', 'April 2007', '19 March 2019'."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def truncate_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Normalise a partial date to its first day so that equal partial dates compare equal."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value
