"""No spreadsheet the registry writes holds a live formula: the API's CSV, the dump's CSV, the admin's CSV
and XLSX. A title such as `=HYPERLINK(...)` (a public proposal's, say) reaches each of them as text."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from decimal import Decimal

import frictionless
import openpyxl
import pytest
from django.urls import reverse

from partnerships.models import Partnership
from registry.rest import csv_lines
from registry.spreadsheets import safe_cell, safe_row
from sscregistry.dataset import export_dataset
from sscregistry.seed import load_seed_data
from tests.factories import PartnershipFactory

# One-line fields (titles) cannot hold a tab or a carriage return (a constraint refuses them), so
# those two are tried in descriptions, which are paragraphs.
TITLES = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\uff1d1+1",  # a full-width equals sign
]
PARAGRAPHS = ["\t=1+1", "\r=1+1", "\r\n=1+1"]
HOSTILE = TITLES + PARAGRAPHS


def _hostile_records(**fields):
    """One record per hostile text, as its title or its description; {slug: text}."""
    made = {}
    for n, text in enumerate(HOSTILE):
        slug = f"hostile-{n}"
        if text in TITLES:
            PartnershipFactory(title=text, slug=slug, **fields)
        else:
            PartnershipFactory(title=f"Hostile {n}", description=text, slug=slug, **fields)
        made[slug] = text
    return made


def _escaped(rows, made):
    """Every hostile text, read back from its column, starts with an apostrophe."""
    for slug, text in made.items():
        row = rows[slug]
        column = "title" if text in TITLES else "description"
        assert row[column] == "'" + text, (column, row[column])


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


def test_other_text_and_numbers_written_as_numbers_are_left_alone():
    assert safe_row(["Kigali 2024", " =1", "'=1", "", None]) == ["Kigali 2024", " =1", "'=1", "", None]
    day = datetime.date(2024, 5, 1)
    assert safe_row([-5, -2.5, Decimal("-1.5"), True, day]) == [-5, -2.5, Decimal("-1.5"), True, day]
    assert safe_cell("-5") == "'-5"  # text that looks like a number is text, as OWASP advises


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_api_csv_writer_writes_formulas_as_text():
    lines = list(csv_lines(["title", "count"], [[text, -5] for text in HOSTILE]))
    rows = list(csv.reader(io.StringIO("".join(lines).lstrip("\ufeff"))))
    assert rows[1:] == [["'" + text, "-5"] for text in HOSTILE]


@pytest.mark.django_db
def test_the_api_csv_export_writes_formulas_as_text(client):
    for n, title in enumerate(TITLES):
        PartnershipFactory(title=title, slug=f"hostile-{n}")
    response = client.get("/api/v1/partnerships/export.csv")
    assert response.status_code == 200
    titles = {row["slug"]: row["title"] for row in _rows(b"".join(response.streaming_content).decode())}
    assert titles == {f"hostile-{n}": "'" + title for n, title in enumerate(TITLES)}


@pytest.mark.django_db
def test_the_bulk_dump_csv_writes_formulas_as_text_and_still_validates(tmp_path):
    load_seed_data()  # a row in every file (Frictionless cannot read an empty JSON Lines file)
    made = _hostile_records(summary="-5 percent", objective="")
    dump = export_dataset(tmp_path, site_url="https://registry.example.org")
    with zipfile.ZipFile(dump) as archive:
        rows = _rows(archive.read("partnerships.csv").decode("utf-8"))
        lines = [json.loads(line) for line in archive.read("partnerships.jsonl").decode().splitlines()]
        archive.extractall(tmp_path / "unpacked")
    _escaped({row["slug"]: row for row in rows}, made)
    assert {row["summary"] for row in rows if row["slug"] in made} == {"'-5 percent"}
    assert all(row["id"].isdigit() for row in rows)  # numbers stay numbers
    # JSON Lines is no spreadsheet: the text as it is.
    by_slug = {line["slug"]: line for line in lines}
    for slug, text in made.items():
        assert text in (by_slug[slug]["title"], by_slug[slug]["description"])
    package = json.loads((tmp_path / "unpacked" / "datapackage.json").read_text())
    csv_resource = next(r for r in package["resources"] if r["path"] == "partnerships.csv")
    assert "apostrophe" in csv_resource["description"]
    report = frictionless.validate(tmp_path / "unpacked" / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])


def _admin_export(client, fmt: str) -> bytes:
    response = client.post(
        reverse("admin:partnerships_partnership_export"),
        {
            "format": fmt,
            "export_items": list(Partnership.objects.values_list("pk", flat=True)),
            **{f"partnershipresource_{f}": "on" for f in ["slug", "title", "description"]},
        },
    )
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.django_db
def test_the_admin_csv_export_writes_formulas_as_text(client_as, curator):
    made = _hostile_records(draft=True)  # proposals waiting for review
    rows = _rows(_admin_export(client_as(curator), "0").decode())
    _escaped({row["slug"]: row for row in rows}, made)


@pytest.mark.django_db
def test_the_admin_xlsx_export_holds_no_formula(client_as, curator):
    made = _hostile_records(draft=True)
    book = openpyxl.load_workbook(io.BytesIO(_admin_export(client_as(curator), "1")))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    rows = {}
    for cells in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in cells), [cell.value for cell in cells]
        row = {name: cell.value or "" for name, cell in zip(header, cells, strict=True)}
        rows[row["slug"]] = row
    _escaped(rows, made)
