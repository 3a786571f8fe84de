"""schema.org descriptions of record pages, as JSON-LD for search engines and link previews.

Each record type's builder lives in its app (`<app>/jsonld.py`) and is registered with its public
type (`registry.site`). A builder takes a record and a function that makes a path absolute, and
returns plain data. Related records are checked with `is_published` there, not only in the views'
prefetches, so that a draft partner or person cannot be named whatever queryset the caller passes.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import models
from django.urls import reverse

from .site import AbsoluteUrl, public_type
from .workflow import DatePrecision

SCHEMA = "https://schema.org"


def compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: schema.org consumers read a missing property better than an empty one."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def one_or_many(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def partial_date(value: datetime.date | None, precision: str) -> str | None:
    """ISO 8601 at the precision the source gives: '2007', '2007-04', '2019-03-19'."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def breadcrumbs(record: models.Model, absolute_url: AbsoluteUrl) -> dict[str, Any]:
    """Home › Section › Record."""
    record_type = public_type(type(record))
    if record_type is None:
        raise ValueError(f"{type(record).__name__} is not a public record type")
    trail = [
        ("SSC Registry", reverse("home")),
        (record_type.label, reverse(record_type.list_url_name)),
        # Every public record type has a page (public_type() found it).
        (str(getattr(record, "title", None) or record), record.get_absolute_url()),  # type: ignore[attr-defined]
    ]
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute_url(path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def record_documents(record: models.Model, absolute_url: AbsoluteUrl) -> list[dict[str, Any]]:
    """The JSON-LD documents for a record's page: its own description, then its breadcrumbs."""
    record_type = public_type(type(record))
    if record_type is None:
        return []
    documents = []
    if record_type.jsonld is not None:
        documents.append(record_type.jsonld(record, absolute_url))
    documents.append(breadcrumbs(record, absolute_url))
    return documents


# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def dumps_for_script(data: dict[str, Any]) -> str:
    """JSON that is safe inside <script type="application/ld+json">."""
    return json.dumps(data, ensure_ascii=False, indent=None).translate(_SCRIPT_ESCAPES)
