"""Model fields and rules shared by the registry's apps.

The rules here are field validators, so every entry path that validates a model (the admin's forms,
the API's serializers, spreadsheet import, the public proposal forms and the seed, which all call
`full_clean()` or use the model's validators) refuses the same values with the same message. The
database constraints built by `single_line_check` and `window_check` refuse them again for any path
that skips validation (raw SQL, `QuerySet.update()`).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from registry.workflow import EARLIEST_DATE, EARLIEST_TIME, LATEST_DATE, LATEST_TIME

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. NUL is refused
# too: PostgreSQL cannot store it. The pattern is written for both Python and PostgreSQL regexes.
LINE_BREAKING_PATTERN = r"[\x01-\x1f\x7f-\x9f\u2028\u2029]"
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
SINGLE_LINE_MESSAGE = "Line breaks, tabs and control characters are not allowed in this field."


def validate_single_line(value: Any) -> None:
    """One-line fields (titles, names) hold one line of printable text."""
    if isinstance(value, str) and _LINE_BREAKING.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")


def _window_message() -> str:
    return f"Dates must lie between {EARLIEST_DATE:%Y-%m-%d} and {LATEST_DATE:%Y-%m-%d}."


def validate_date_in_window(value: Any) -> None:
    """A stored date lies in the registry's window (registry.workflow.EARLIEST_DATE to LATEST_DATE)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date) and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(_window_message(), code="date_window")


def validate_time_in_window(value: Any) -> None:
    """A stored time lies in the window, counted in UTC, so it can be shown in every time zone."""
    if not isinstance(value, datetime.datetime):
        return
    # Check the year first: converting year 1 or 9999 to UTC can overflow.
    if not EARLIEST_DATE.year <= value.year <= LATEST_DATE.year:
        raise ValidationError(_window_message(), code="date_window")
    try:
        utc = value.astimezone(datetime.UTC) if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    except (OverflowError, ValueError):
        raise ValidationError(_window_message(), code="date_window") from None
    if not EARLIEST_TIME <= utc <= LATEST_TIME:
        raise ValidationError(_window_message(), code="date_window")


class LineField(models.CharField):
    """A one-line text field (a title, a name): no line breaks, tabs or control characters."""

    default_validators = [validate_single_line]


class WindowedDateField(models.DateField):
    """A date inside the registry's window."""

    default_validators = [validate_date_in_window]


class WindowedDateTimeField(models.DateTimeField):
    """A moment inside the registry's window."""

    default_validators = [validate_time_in_window]


def single_line_check(model_name: str, *fields: str) -> models.CheckConstraint:
    """The database's copy of `validate_single_line` for these fields of one model."""
    condition = models.Q()
    for field in fields:
        condition &= ~models.Q(**{f"{field}__regex": LINE_BREAKING_PATTERN})
    return models.CheckConstraint(
        condition=condition, name=f"{model_name}_single_line", violation_error_message=SINGLE_LINE_MESSAGE
    )


def window_check(model_name: str, *fields: str, times: bool = False) -> models.CheckConstraint:
    """The database's copy of the window validators for these date (or, with `times`, datetime) fields."""
    low, high = (EARLIEST_TIME, LATEST_TIME) if times else (EARLIEST_DATE, LATEST_DATE)
    condition = models.Q()
    for field in fields:
        condition &= models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__range": (low, high)})
    return models.CheckConstraint(
        condition=condition, name=f"{model_name}_dates_in_window", violation_error_message=_window_message()
    )


def end_after_start_check(
    model_name: str, start: str = "start_date", end: str = "end_date"
) -> models.CheckConstraint:
    """The end is not before the start, when both are known."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{end}__isnull": True})
        | models.Q(**{f"{start}__isnull": True})
        | models.Q(**{f"{end}__gte": models.F(start)}),
        name=f"{model_name}_end_after_start",
        violation_error_message="The end date cannot be before the start date.",
    )


class WebAddressField(models.URLField):
    """A URL field whose forms read a bare 'example.org' as https://example.org (Django 6 default)."""

    default_validators = [*models.URLField.default_validators, validate_single_line]

    # URLField's own formfield() takes keywords only (the stubs give Field's signature), and so
    # does this one: a form_class=None passed on would replace URLField's forms.URLField.
    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)
