"""Display helpers: partial dates, event times in their own time zone, SDG icons, vocabulary labels."""

from __future__ import annotations

import datetime
from html import escape
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _

from registry.workflow import DatePrecision, format_partial_date

register = template.Library()


@register.simple_tag
def partial_date(value: datetime.date | None, precision: str) -> str:
    return format_partial_date(value, precision)


def utc_offset(moment: datetime.datetime) -> str:
    """'UTC+2', 'UTC-3:30', 'UTC+0'."""
    offset = moment.utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_place(zone_name: str) -> str:
    """The city of an IANA zone name: 'Africa/Kigali' -> 'Kigali', 'America/New_York' -> 'New York'."""
    return zone_name.split("/")[-1].replace("_", " ")


@register.simple_tag
def event_when(event: Any) -> str:
    """'12 Sep 2023, 09:00–13:00 Kigali time (UTC+2)', in the event's own time zone.

    Month names and 'time' follow the active language ('12 sep 2023, 09:00–13:00 heure de Kigali').
    """
    start, end = event.local_start, event.local_end
    if event.date_precision != DatePrecision.DAY:
        return format_partial_date(start.date(), event.date_precision)
    # English keeps its short months ('12 Sep 2023'); other languages' abbreviations are not
    # Django's strong point, so they get the full month name ('12 septembre 2023').
    day = "j M Y" if (get_language() or "en").startswith("en") else get_format("DATE_FORMAT")
    days = dateformat.format(start, day)
    if end.date() != start.date():
        days = f"{dateformat.format(start, day)} – {dateformat.format(end, day)}"
    if event.all_day:
        return days
    zone = _("%(place)s time") % {"place": zone_place(event.timezone)}
    if end.date() == start.date():
        return f"{days}, {start:%H:%M}–{end:%H:%M} {zone} ({utc_offset(start)})"
    return (
        f"{dateformat.format(start, day)} {start:%H:%M} – {dateformat.format(end, day)} {end:%H:%M} "
        f"{zone} ({utc_offset(start)})"
    )


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@register.filter
def text_on(colour: str) -> str:
    """White or dark ink, whichever reads better on `colour` (#RRGGBB)."""
    try:
        light = _luminance(colour)
    except (ValueError, IndexError, TypeError):
        return "#ffffff"
    # Contrast with white is 1.05 / (L + 0.05); with the dark ink (L ≈ 0.02) it is (L + 0.05) / 0.07.
    return "#ffffff" if 1.05 / (light + 0.05) >= (light + 0.05) / 0.07 else "#1b2631"


@register.simple_tag
def sdg_icon(code: int, colour: str, size: int = 22) -> str:
    """A small square in the goal's official colour with its number (decorative: label it beside).

    Built here rather than by an included template: a list page draws dozens of them."""
    return format_html(
        '<svg width="{size}" height="{size}" viewBox="0 0 22 22" aria-hidden="true" focusable="false">'
        '<rect width="22" height="22" rx="3" fill="{colour}"/><text x="11" y="15.5" text-anchor="middle" '
        'font-size="12" font-weight="700" font-family="system-ui, sans-serif" fill="{ink}">{code}</text>'
        "</svg>",
        size=size,
        colour=colour,
        ink=text_on(colour),
        code=code,
    )


@register.simple_tag
def facet_values(group: Any, values: list[Any]) -> str:
    """The checkboxes and labels of a facet's `values` (`FacetValue`s of `group`, a `FacetGroup`).

    A search page shows a few hundred, so they are joined here with the standard library's escaping
    rather than drawn by an included template each (a fifth of the page's time)."""
    items = []
    name, kind = escape(str(group.name)), escape(str(group.kind))
    for value in values:
        control = f"f-{name}-{escape(slugify(str(value.value)))}"
        colour = escape(str(value.colour))
        swatch = (
            '<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" '
            f'focusable="false"><rect width="12" height="12" rx="2" fill="{colour}"/></svg>'
            if value.colour
            else ""
        )
        count = f' <span class="count">({value.count})</span>' if value.count is not None else ""
        checked = " checked" if value.checked else ""
        items.append(
            f'<li>\n  <input type="{kind}" name="{name}" value="{escape(str(value.value))}" '
            f'id="{control}"{checked}>\n  {swatch}\n  <label for="{control}">{escape(str(value.label))}'
            f"{count}</label>\n</li>"
        )
    return mark_safe("".join(items))  # noqa: S308 (every value above is escaped)  # nosec B308 B703


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def language_name(code: str, fallback: str = "") -> str:
    """A language's name in the interface language ('Russian', 'russe', 'ruso'), from Django's list."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return fallback or code


@register.filter
def grouped(value: Any) -> str:
    """A whole number with the language's thousands separator (44,974 in English, 44 974 in French)."""
    return number_format(value, force_grouping=True)


@register.simple_tag
def similar_records(record: Any, limit: int = 5) -> list[Any]:
    """The published records of the record's type nearest to it in meaning (registry/embeddings.py)."""
    from registry.embeddings import similar  # noqa: PLC0415 (templatetags load before the models)

    return similar(record, limit)


@register.filter
def shown(record: Any, part: str = "title") -> str:
    """A record's title or summary in the visitor's language when it has that translation
    (`SearchableModel.translated`), else as written: `{{ p|shown }}`, `{{ p|shown:"summary" }}`."""
    if hasattr(record, "translated"):
        return str(record.translated(part))
    return str(record) if part == "title" else ""


@register.filter
def shown_language(record: Any, part: str = "title") -> str:
    """The language of `{{ record|shown:part }}`, for its `lang` attribute ("" when unknown)."""
    return str(record.language_of(part)) if hasattr(record, "language_of") else ""
