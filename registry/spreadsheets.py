"""Cells a spreadsheet would run as formulas, written as text instead (CSV or formula injection).

Every spreadsheet the registry writes passes its cells through `safe_cell`: the API's CSV exports
(`registry/rest.py`), the bulk dump's CSV files (`sscregistry/dataset.py`) and the admin's CSV
and XLSX exports (`registry/resources.py`). Text from anyone (a public proposal's title) reaches
curators' spreadsheets this way, and `=HYPERLINK(...)` or `=cmd|...` in a cell is a live formula
to Excel, LibreOffice and Google Sheets.

As OWASP's CSV injection guidance advises, text starting with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading apostrophe, which spreadsheets read as "this cell is text" (and
most hide). So do the full-width forms of the four signs, which some spreadsheets in East Asian
locales also read as formulas. Numbers written as numbers (a negative count) are left alone: a
number cell is never a formula. Text that looks like a number ("-5" in a title) is prefixed, as
OWASP says: telling it from "-2+3+cmd|..." is exactly the parsing the escape avoids.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Values that are written as what they are, never parsed from text by the spreadsheet.
_NOT_TEXT = (bool, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta)


def safe_cell(value: Any) -> Any:
    """`value` as a spreadsheet should hold it: text a spreadsheet would run gets an apostrophe."""
    if value is None or isinstance(value, _NOT_TEXT):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """`safe_cell` over a row of cells."""
    return [safe_cell(value) for value in values]
