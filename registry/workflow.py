"""Building blocks shared by every public record: workflow status, audit fields, partial dates."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language

# Every date and time the registry stores lies in this window, on every entry path (model validators
# and database constraints). Dates run from 1900-01-01 to 2199-12-31; times from 1900-01-01 00:00 UTC
# to the end of 2199 UTC, so that a stored time shown in any IANA zone (at most 14 hours either side
# of UTC) is still a date Python and PostgreSQL can write. Filters outside it answer 400.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2199, 12, 31)
EARLIEST_TIME = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST_TIME = datetime.datetime(2199, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)


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

    def not_reviewed_since(self, day: datetime.datetime) -> PublishableQuerySet:
        """Records no curator has reviewed since `day` (never-reviewed ones included)."""
        return self.filter(models.Q(last_reviewed_at__isnull=True) | models.Q(last_reviewed_at__lt=day))


class StaleRecordError(Exception):
    """Someone else saved the record after the version the editor started from.

    The admin turns this into a form error; the API answers 412 Precondition Failed.
    """

    def __init__(self, record: models.Model, expected: int, current: int) -> None:
        self.record = record
        self.expected = expected
        self.current = current
        super().__init__(
            f"{str(record._meta.verbose_name).capitalize()} “{record}” was changed by someone else while you "
            f"were editing it (you started from version {expected}, it is now at version {current}). "
            "Nothing was saved: reload the page to see their changes, then make yours again."
        )


class PublishableModel(models.Model):
    """A record with a workflow status: only `published` rows are ever shown to the public.

    The status only changes through the transition functions in `registry.services`.
    """

    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Only published records appear on the public site, the API, feeds and exports. "
        "Changed only by the workflow buttons (submit, publish, return to draft, archive).",
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the record was first published. Set by the workflow."
    )
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the record was last submitted for review."
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for proposals from the public site.",
    )
    last_reviewed_at = models.DateTimeField(
        "last reviewed",
        null=True,
        blank=True,
        help_text="When a curator last published the record or confirmed it is still accurate.",
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(
        blank=True, help_text="The curator's reason when the record was last returned to draft."
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every save (a database trigger), so stale edits can be refused.",
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            # The database trigger does the same; this keeps the instance in step with the row.
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def etag(self) -> str:
        """An HTTP entity tag for the record's current version (for If-Match in the API)."""
        return f'"{self._meta.label_lower}-{self.pk}-v{self.version}"'

    def mark_published(self, when: datetime.datetime | None = None) -> None:
        """Set the status to published, keeping the first publication time."""
        self.status = Status.PUBLISHED
        if self.published_at is None:
            self.published_at = when or timezone.now()

    def summary_text(self) -> str:
        """One or two sentences about the record, for link previews (each type says its own)."""
        return ""

    def publish_warnings(self) -> list[str]:
        """What a curator should be told after publishing this record, beyond a missing source."""
        return []

    def check_version(self, expected: int | str | None) -> None:
        """Lock the row and raise StaleRecordError unless it is still at version `expected`.

        Call inside a transaction right before saving; the lock holds until it commits, so a
        concurrent save waits and then fails this same check. `expected` may be an ETag.
        """
        if expected is None or expected == "":
            return
        expected_version = parse_version(expected)
        current = (
            type(self)
            ._default_manager.select_for_update()
            .filter(pk=self.pk)
            .values_list("version", flat=True)
        ).first()
        if current is not None and current != expected_version:
            raise StaleRecordError(self, expected_version, current)


def parse_version(value: int | str) -> int:
    """Read a version number from an int, '7', or an ETag such as '"partnerships.partner-3-v7"'."""
    if isinstance(value, int):
        return value
    text = value.strip().removeprefix("W/").strip('"')
    number = text.rsplit("-v", 1)[-1]
    if not number.isdigit():
        raise ValueError(f"Not a record version or ETag: {value!r}")
    return int(number)


LANGUAGE_CODE_RE = r"^[a-z]{2,3}$"
# The languages a record may be written or translated in (ISO 639-1, or 639-2/3 where Django's own
# list has no two-letter code): Django's locales, and languages of the South it lacks.
CONTENT_LANGUAGES = tuple(
    sorted(
        {code for code in LANG_INFO if re.fullmatch(LANGUAGE_CODE_RE, code)}
        | {"am", "dz", "ff", "gn", "ha", "ht", "lo", "ln", "mg", "ny", "om", "ps", "qu", "rw", "si"}
        | {"sn", "so", "st", "ti", "tn", "wo", "xh", "yo", "zh", "zu"}
    )
)


def content_language_choices() -> list[tuple[str, str]]:
    """(code, "Name (code)") for every content language, by name: a form's select."""
    from django.utils.translation import get_language_info  # noqa: PLC0415

    def name(code: str) -> str:
        try:
            return f"{get_language_info(code)['name']} ({code})"
        except KeyError:
            return code

    return sorted(((code, name(code)) for code in CONTENT_LANGUAGES), key=lambda choice: choice[1])


def validate_language_code(value: str) -> None:
    """A content language: one of CONTENT_LANGUAGES."""
    if value not in CONTENT_LANGUAGES:
        raise ValidationError(
            f"{value!r} is not a language code the registry knows (ISO 639-1: en, fr, es...)."
        )


# The parts of a record a translation may give, and their longest lengths; and how many languages
# (a record's search document must stay well below PostgreSQL's 1 MB for a tsvector).
TRANSLATED_PARTS = {"title": 400, "summary": 5000}
MAX_TRANSLATIONS = 12


def validate_translations(value: Any) -> None:
    """`{"fr": {"title": "...", "summary": "..."}, ...}`: ISO 639 codes, each with a title, a
    summary or both, as text of at most their lengths."""
    if not isinstance(value, dict):
        raise ValidationError('Translations are an object of languages: {"fr": {"title": "..."}}.')
    if len(value) > MAX_TRANSLATIONS:
        raise ValidationError(f"At most {MAX_TRANSLATIONS} translations.")
    for language, parts in value.items():
        if not isinstance(language, str) or language not in CONTENT_LANGUAGES:
            raise ValidationError(f"{language!r} is not a language code the registry knows (ISO 639-1).")
        if not isinstance(parts, dict) or not parts:
            raise ValidationError(f"{language}: give a title, a summary or both.")
        for part, text in parts.items():
            if part not in TRANSLATED_PARTS:
                raise ValidationError(f"{language}: {part!r} cannot be translated (only title and summary).")
            if not isinstance(text, str) or not text.strip():
                raise ValidationError(f"{language}: the {part} must be text.")
            if len(text) > TRANSLATED_PARTS[part] or any(_unwritable(c) for c in text):
                raise ValidationError(
                    f"{language}: the {part} must be at most {TRANSLATED_PARTS[part]} characters, "
                    "without control characters."
                )


def _unwritable(character: str) -> bool:
    """A control character (but a line break or a tab), or a lone surrogate."""
    point = ord(character)
    return (point < 32 and character not in "\n\t") or 0xD800 <= point <= 0xDFFF


class SearchableModel(models.Model):
    """A record found by the registry's search: a stored full-text vector and its plain text.

    Both are written by `registry.search` (never by forms), from the record and its related
    names, whenever one of them changes. The record says which language its text is in
    (`language`, which chooses the text search configuration), and may carry its title and summary
    in other languages (`translations`), shown to visitors of those languages and searched too.
    """

    language = models.CharField(
        "content language",
        max_length=3,
        default="en",
        blank=True,
        validators=[validate_language_code],
        help_text=(
            "The language of the record's own title and text (ISO 639-1 code: en, fr, es, ru, ar...); "
            "blank when unknown."
        ),
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text='The title and summary in other languages: {"fr": {"title": "...", "summary": "..."}}.',
    )

    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(
        blank=True, default="", editable=False, help_text="Lower-cased, unaccented text for typo matching."
    )

    class Meta:
        abstract = True

    def _own(self, part: str) -> str:
        names: tuple[str, ...] = ("title", "name")
        if part != "title":
            names = ("summary",) if hasattr(self, "summary") else ("description",)
        return next((str(value) for name in names if (value := getattr(self, name, ""))), "")

    def _translation(self, part: str, language: str | None) -> str:
        language = (language or get_language() or "en").split("-")[0]
        if language == self.language or not isinstance(self.translations, dict):
            return ""
        parts = self.translations.get(language)
        return str(parts.get(part) or "") if isinstance(parts, dict) else ""

    def translated(self, part: str, language: str | None = None) -> str:
        """The record's `part` ("title": its title or name; "summary": its summary or description)
        in `language` (the active one by default): its translation when the record is written in
        another language and has one, else its own text."""
        return self._translation(part, language) or self._own(part)

    def language_of(self, part: str, language: str | None = None) -> str:
        """The language of what `translated()` gives (for the `lang` attribute); "" when unknown."""
        if self._translation(part, language):
            return (language or get_language() or "en").split("-")[0]
        return self.language


class SluggedModel(models.Model):
    """A record named in its addresses by its `slug`, made when it is first saved without one from
    the first of its `slug_source` fields that is not empty (an acronym, else the name)."""

    slug: str  # each record type declares its own SlugField
    slug_source: tuple[str, ...] = ("title",)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .models import unique_slug  # noqa: PLC0415 (registry.models imports this module)

        if not self.slug:
            text = next(filter(None, (getattr(self, name) for name in self.slug_source)), "")
            self.slug = unique_slug(self, text)
        super().save(*args, **kwargs)


# Written only by partnerships.search; left out of history and of the version number.
SEARCH_FIELDS = ["search_vector", "search_text"]


def search_indexes(model_name: str) -> list[GinIndex]:
    """A GIN index for full-text search. Typo-tolerant search reads the vocabulary of words
    (`SearchWord`, with its own trigram index), not the documents: the trigram index the
    documents' text once had answered no query and was dropped (`*_drop_search_text_trigram_index`).
    """
    return [GinIndex(fields=["search_vector"], name=f"{model_name}_search_vector")]


def name_trigram_index(model_name: str, field: str = "name") -> GinIndex:
    """A trigram index on a name as names are compared, `lower(sscregistry_unaccent(name))`
    (the organisation matcher's fuzzy evidence, partnerships.matching): a query must use the same
    expression for PostgreSQL to use it."""
    normalised = Lower(
        models.Func(models.F(field), function="sscregistry_unaccent", output_field=models.TextField())
    )
    return GinIndex(OpClass(normalised, name="gin_trgm_ops"), name=f"{model_name}_{field}_trgm")


def public_order_index(model_name: str, ordering: list[str], suffix: str = "public_order") -> models.Index:
    """A partial index on the public lists' order, over published records only.

    Without it a list's first page sorts every published row (a quarter of a second at 100,000
    partnerships); with it PostgreSQL reads the first rows of the index and stops. `suffix` names
    a second order (the feeds' and the home page's newest first).
    """
    return models.Index(
        fields=ordering, name=f"{model_name}_{suffix}", condition=models.Q(status=Status.PUBLISHED)
    )


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
    # Month names follow the active language; French and Spanish use their own date patterns
    # ('19 février 2018', '19 de febrero de 2018', 'febrero de 2018').
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    english = (get_language() or "en").startswith("en")
    if precision == DatePrecision.MONTH:
        return dateformat.format(value, "F Y" if english else get_format("YEAR_MONTH_FORMAT"))
    return dateformat.format(value, "j F Y" if english else get_format("DATE_FORMAT"))


def truncate_date(value: datetime.date | None, precision: str) -> datetime.date | None:
    """Normalise a partial date to its first day so that equal partial dates compare equal."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def workflow_permissions(model_name: str, verbose_name: str) -> list[tuple[str, str]]:
    """The custom permissions every publishable model declares (`publish_partner`, ...)."""
    return [
        (f"submit_{model_name}", f"Can submit a {verbose_name} for review"),
        (f"publish_{model_name}", f"Can publish, unpublish or return a {verbose_name} to draft"),
        (f"archive_{model_name}", f"Can archive a {verbose_name}"),
    ]


def record_meta(
    model_name: str,
    *,
    ordering: list[str],
    searchable: bool = True,
    indexes: Sequence[models.Index] = (),
    permissions: Sequence[tuple[str, str]] = (),
    constraints: Sequence[models.BaseConstraint] = (),
    **options: Any,
) -> type:
    """The `Meta` of a publishable record (`Meta = record_meta("event", ordering=[...])`).

    Its `ordering`, with the partial index that serves the public lists in that order; the search
    index, unless not `searchable`; the workflow's permissions; the trigger that bumps `version`
    (a search rewrite aside); the constraint that a published record says when. `indexes`,
    `permissions` and `constraints` are the record's own, after those; `options` any other.
    """
    return type(
        "Meta",
        (),
        {
            "ordering": ordering,
            "indexes": [
                *(search_indexes(model_name) if searchable else []),
                public_order_index(model_name, ordering),
                *indexes,
            ],
            "permissions": [*workflow_permissions(model_name, model_name), *permissions],
            "triggers": [version_trigger(model_name, ignore=SEARCH_FIELDS if searchable else None)],
            "constraints": [published_constraint(model_name), *constraints],
            **options,
        },
    )


def version_trigger(model_name: str, *, ignore: list[str] | None = None) -> pgtrigger.Trigger:
    """A trigger that bumps `version` on every UPDATE, whichever code path issues it.

    Updates that change only the `ignore` fields leave the version alone: the search module
    rewrites `search_vector` and `search_text` after every save, and that must not look like a
    curator's edit to the next one.
    """
    return pgtrigger.Trigger(
        name=f"{model_name}_bump_version",
        operation=pgtrigger.Update,
        when=pgtrigger.Before,
        condition=pgtrigger.AnyChange(exclude=ignore) if ignore else None,
        func="NEW.version := OLD.version + 1; RETURN NEW;",
    )


# Fields whose change alone is not worth a history entry: the version bump and audit stamps.
HISTORY_QUIET_FIELDS = ["version", "updated_at", "updated_by"]


def track_history(*, quiet: list[str] | None = None, name: str | None = None) -> Any:
    """Record every insert, update and delete of a model in its own history table (pghistory).

    Database triggers do the recording, so admin forms, bulk actions, imports, merges, workflow
    transitions, `QuerySet.update()` and API writes are all kept; the request's user comes from
    the pghistory context (middleware, or `pghistory.context(user=...)` in commands). An update
    that changes only the `quiet` fields is not recorded. The history model is `<Model>History`,
    reachable from a record as `record.history`.
    """

    def decorator(model: type[models.Model]) -> type[models.Model]:
        # Search documents are derived data, rewritten after every save: not history.
        derived = SEARCH_FIELDS if issubclass(model, SearchableModel) else []
        pghistory.track(
            pghistory.InsertEvent(),
            pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude=[*(quiet or []), *derived])),
            pghistory.DeleteEvent(),
            model_name=name or f"{model.__name__}History",
            obj_field=pghistory.ObjForeignKey(related_name="history"),
            exclude=derived or None,
        )(model)
        return model

    return decorator
