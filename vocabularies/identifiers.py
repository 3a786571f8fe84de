"""Validation of organisation identifiers: org-id.guide form (PREFIX-ID), IATI, ROR and Wikidata."""

from __future__ import annotations

import functools
import re
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


# Crockford's base 32 without I, L, O and U, as ROR writes its IDs (lower case).
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
ROR_PATTERN = r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]{0,11}$"
# IATI forbids these in an organisation identifier (they break its URLs and lists), and spaces.
_IATI_FORBIDDEN = re.compile(r"[\s/?#&|%]")


def normalise_ror_id(value: str) -> str:
    """`https://ror.org/03vek6s52`, `ror.org/03VEK6S52` or `03vek6s52` as `03vek6s52`."""
    value = value.strip()
    value = re.sub(r"^(https?://)?(www\.)?ror\.org/", "", value, flags=re.IGNORECASE)
    return value.lower()


def validate_ror_id(value: str) -> None:
    """A ROR ID: 0, six base-32 digits and their two-digit ISO 7064 Mod 97-10 checksum (its
    https://ror.org/ address too, which the model stores as the ID)."""
    value = normalise_ror_id(value)
    if not value:
        return
    if not re.match(ROR_PATTERN, value):
        raise ValidationError(
            "Enter a ROR ID of nine characters, such as 03vek6s52 (or its https://ror.org/ address).",
            code="format",
        )
    number = 0
    for char in value[1:7]:
        number = number * 32 + _CROCKFORD.index(char)
    if f"{98 - (number * 100) % 97:02d}" != value[7:]:
        raise ValidationError(
            "%(value)s is not a ROR ID: its last two digits (the checksum) do not fit. Check for a typo.",
            code="checksum",
            params={"value": value},
        )


def normalise_wikidata_id(value: str) -> str:
    """`https://www.wikidata.org/wiki/Q1065`, `q1065` or `Q1065` as `Q1065`."""
    value = value.strip()
    value = re.sub(r"^(https?://)?(www\.|m\.)?wikidata\.org/(wiki|entity)/", "", value, flags=re.IGNORECASE)
    return value.upper()


def validate_wikidata_id(value: str) -> None:
    """A Wikidata item's Q-number (its address too, which the model stores as the QID)."""
    value = normalise_wikidata_id(value)
    if value and not re.match(WIKIDATA_PATTERN, value):
        raise ValidationError("Enter a Wikidata item's Q-number, such as Q1065.", code="format")


def validate_iati_identifier(value: str) -> None:
    """An IATI organisation identifier: a registration agency prefix, a dash and the id, with none
    of the characters IATI forbids (spaces, / ? # & | %)."""
    value = value.strip()
    if not value:
        return
    if _IATI_FORBIDDEN.search(value):
        raise ValidationError(
            "An IATI organisation identifier cannot hold spaces or any of / ? # & | %.", code="characters"
        )
    validate_org_identifier(value)
