"""The record types the public site shows, registered by their apps (AppConfig.ready()).

Each registration says where the type's records sit on the site (its list page and label, for
breadcrumbs, the sitemap and the page sitemap), how its pages describe themselves (the JSON-LD
builder and the Open Graph type), so that shared code never names a record type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

AbsoluteUrl = Callable[[str], str]


@dataclass(frozen=True)
class PublicRecordType:
    """One record type's place on the public site.

    - `model`: a PublishableModel with `get_absolute_url()` and `summary_text()`;
    - `section`: its name in the sitemap index ("partners");
    - `list_url_name` and `label`: its list page, for breadcrumbs and the page sitemap;
    - `jsonld`: `(record, absolute_url) -> dict`, its schema.org description, if it has one;
    - `og_type`: its Open Graph type.
    """

    model: type[models.Model]
    section: str
    list_url_name: str
    label: str
    jsonld: Callable[[Any, AbsoluteUrl], dict[str, Any]] | None = None
    og_type: str = "website"


_TYPES: dict[type[models.Model], PublicRecordType] = {}


def register_public_type(record_type: PublicRecordType) -> PublicRecordType:
    """Show `record_type.model` on the public site (idempotent)."""
    _TYPES[record_type.model] = record_type
    return record_type


def public_types() -> list[PublicRecordType]:
    """Every registered type, in registration order (the order of INSTALLED_APPS)."""
    return list(_TYPES.values())


def public_type(model: type[models.Model]) -> PublicRecordType | None:
    return _TYPES.get(model)
