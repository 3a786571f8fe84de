"""Validation of organisation identifiers in org-id.guide form (PREFIX-ID)."""

from __future__ import annotations

import functools
from pathlib import Path

from defusedxml import ElementTree as ET
from django.core.exceptions import ValidationError

DATA_DIR = Path(__file__).resolve().parent / "data"


@functools.cache
def registration_agency_codes() -> frozenset[str]:
    """The prefixes of org-id.guide's register, as replicated by IATI."""
    tree = ET.parse(DATA_DIR / "iati" / "OrganisationRegistrationAgency.xml")
    codes = (item.findtext("code") for item in tree.iter("codelist-item"))
    return frozenset(code for code in codes if code is not None)


def validate_org_identifier(value: str) -> None:
    """Accept `XM-DAC-41301`: a known registration agency prefix, a dash, then the id."""
    if not value:
        return
    parts = value.split("-", 2)
    if len(parts) < 3 or not parts[2] or any(ch.isspace() for ch in value):
        raise ValidationError(
            "Enter an identifier of the form PREFIX-ID, such as XM-DAC-41301.", code="format"
        )
    prefix = f"{parts[0]}-{parts[1]}".upper()
    if prefix not in registration_agency_codes():
        raise ValidationError(
            "%(prefix)s is not a registration agency prefix listed by org-id.guide.",
            code="unknown_prefix",
            params={"prefix": prefix},
        )
