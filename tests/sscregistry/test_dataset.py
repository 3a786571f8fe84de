"""The bulk dump (`manage.py export_dataset`) and the /data/ page, read back with zipfile, csv and json."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path

import frictionless
import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, EventOrganiser
from partnerships.models import Participation, Partner, PartnerRelation, Partnership, Person
from reports.models import Authorship, Publication
from sscregistry.dataset import export_dataset, prune_dumps
from sscregistry.seed import load_seed_data
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = [
    "partners",
    "partner_relations",
    "people",
    "partnerships",
    "participations",
    "events",
    "event_organisers",
    "publications",
    "publication_organisations",
    "authorships",
    "language_versions",
]


def _generated_registry() -> None:
    """A few hundred published rows with drafts mixed in, linked the way curators link them."""
    partners = PartnerFactory.create_batch(60)
    draft_partner = PartnerFactory(name="Draft partner organisation", draft=True)
    PartnerFactory(name="Child of a draft", parent=draft_partner)
    PartnerRelation.objects.create(
        partner=partners[0], kind="predecessor", related=partners[1], start_date=datetime.date(2018, 1, 1)
    )
    PartnerRelation.objects.create(
        partner=partners[2],
        kind="parent",
        related=partners[3],
        start_date=datetime.date(2001, 5, 1),
        end_date=datetime.date(2010, 12, 31),
    )
    PartnerRelation.objects.create(partner=partners[4], kind="predecessor", related=draft_partner)
    people = PersonFactory.create_batch(20)
    PersonFactory(name="Draft person", draft=True)
    for n, partnership in enumerate(PartnershipFactory.create_batch(80)):
        partnership.countries.set(["RW", "KE"])
        partnership.sdgs.set([17, (n % 16) + 1])
        partnership.modalities.set(["triangular"])
        Participation.objects.create(partnership=partnership, partner=partners[n % 60])
        Participation.objects.create(partnership=partnership, partner=draft_partner)
    PartnershipFactory(title="Draft partnership", draft=True)
    for n, event in enumerate(EventFactory.create_batch(60)):
        EventOrganiser.objects.create(event=event, partner=partners[n % 60])
    EventFactory(title="Draft event", draft=True)
    for n, publication in enumerate(PublicationFactory.create_batch(60)):
        Authorship.objects.create(publication=publication, person=people[n % 20])
    PublicationFactory(title="Draft publication", draft=True)


def _read(archive: zipfile.ZipFile, name: str) -> str:
    return archive.read(name).decode("utf-8")


def _csv_rows(archive: zipfile.ZipFile, resource: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read(archive, f"{resource}.csv"))))


def _jsonl_rows(archive: zipfile.ZipFile, resource: str) -> list[dict]:
    return [json.loads(line) for line in _read(archive, f"{resource}.jsonl").splitlines()]


def test_the_export_writes_every_published_record_as_csv_and_json_lines(tmp_path):
    _generated_registry()
    call_command(
        "export_dataset", str(tmp_path), "--site-url", "https://registry.example.org", stdout=io.StringIO()
    )
    (dump,) = tmp_path.glob("ssc-registry-data-*.zip")
    with zipfile.ZipFile(dump) as archive:
        assert archive.testzip() is None
        # No publication names an organisation or a language version here: those have their CSV only.
        empty = {"publication_organisations", "language_versions"}
        expected = {"datapackage.json", "LICENSE.txt"} | {
            f"{r}.{s}" for r in RESOURCES for s in ("csv", "jsonl") if s == "csv" or r not in empty
        }
        assert set(archive.namelist()) == expected
        assert all(len(_csv_rows(archive, r)) == 0 for r in empty)
        partners = _csv_rows(archive, "partners")
        assert len(partners) == Partner.objects.published().count() == 61
        assert len(_csv_rows(archive, "partnerships")) == Partnership.objects.published().count() == 80
        assert len(_jsonl_rows(archive, "events")) == Event.objects.published().count() == 60
        assert len(_jsonl_rows(archive, "publications")) == Publication.objects.published().count() == 60
        assert len(_csv_rows(archive, "people")) == Person.objects.published().count() == 20
        assert len(_csv_rows(archive, "participations")) == 80  # not the 80 links to the draft partner
        relations = _jsonl_rows(archive, "partner_relations")  # not the one to the draft partner
        assert [(r["kind"], r["start_date"], r["end_date"]) for r in relations] == [
            ("predecessor", "2018-01-01", None),
            ("parent", "2001-05-01", "2010-12-31"),
        ]
        published_ids = {int(p["id"]) for p in partners}
        assert {r["partner_id"] for r in relations} | {r["related_id"] for r in relations} <= published_ids
        first = _jsonl_rows(archive, "partnerships")[0]
        assert first["countries"] == ["KE", "RW"]
        assert first["url"] == f"https://registry.example.org/partnerships/{first['slug']}/"
        row = _csv_rows(archive, "partnerships")[0]
        assert row["countries"] == "KE; RW"
        everything = "".join(_read(archive, name) for name in archive.namelist())
    for draft in (
        "Draft partner organisation",
        "Draft person",
        "Draft partnership",
        "Draft event",
        "Draft publication",
    ):
        assert draft not in everything
    child = next(p for p in partners if p["name"] == "Child of a draft")
    assert child["parent_id"] == ""


def test_the_datapackage_describes_each_file_and_field(tmp_path):
    load_seed_data()
    dump = export_dataset(tmp_path, site_url="https://registry.example.org")
    with zipfile.ZipFile(dump) as archive:
        package = json.loads(_read(archive, "datapackage.json"))
        assert package["licenses"] == [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ]
        assert "Creative Commons Attribution 4.0" in _read(archive, "LICENSE.txt")
        # The seed records no dated relation: that kind has its CSV's header only, since an empty
        # JSON Lines file is no table a reader such as Frictionless can open.
        assert {r["path"] for r in package["resources"]} == {
            f"{r}.{s}" for r in RESOURCES for s in ("csv", "jsonl")
        } - {"partner_relations.jsonl"}
        assert "partner_relations.jsonl" not in archive.namelist()
        for resource in package["resources"]:
            fields = resource["schema"]["fields"]
            if resource["format"] == "csv":
                rows = list(csv.reader(io.StringIO(_read(archive, resource["path"]))))
                assert rows[0] == [f["name"] for f in fields]
                assert len(rows) - 1 == resource["count"]
                records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
            else:
                records = _jsonl_rows(archive, resource["path"].removesuffix(".jsonl"))
                assert all(list(record) == [f["name"] for f in fields] for record in records)
            for record in records:
                for field in fields:
                    _assert_type(record[field["name"]], field["type"], csv_file=resource["format"] == "csv")


def test_the_reference_validator_accepts_the_dump_keys_and_all(tmp_path):
    _generated_registry()
    load_seed_data()
    dump = export_dataset(tmp_path, site_url="https://registry.example.org")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(dump) as archive:
        archive.extractall(unpacked)
    # Frictionless checks the descriptor, every row against its field types, primary keys and the
    # foreign keys between resources.
    report = frictionless.validate(unpacked / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "message"])
    assert len(report.tasks) == 2 * len(RESOURCES)


def _assert_type(value, type_: str, *, csv_file: bool) -> None:
    """Values read as the type the datapackage declares (an empty CSV cell or null is missing)."""
    if value in ("", None):
        return
    if type_ == "integer":
        assert int(value) == value if not csv_file else str(int(value)) == value
    elif type_ == "boolean":
        assert value in ("true", "false") if csv_file else isinstance(value, bool)
    elif type_ == "date":
        datetime.date.fromisoformat(value)
    elif type_ == "datetime":
        assert value.endswith("Z")
        datetime.datetime.fromisoformat(value)
    elif type_ == "array":
        assert isinstance(value, list)
    elif type_ == "object":
        assert isinstance(json.loads(value) if csv_file else value, dict)
    else:
        assert isinstance(value, str)


def test_the_export_reads_in_a_fixed_number_of_queries(tmp_path, django_assert_max_num_queries):
    _generated_registry()
    # Ten resources, each one chunked query plus its prefetches: no query per row.
    with django_assert_max_num_queries(30):
        export_dataset(tmp_path, site_url="https://registry.example.org")


def test_old_dumps_are_pruned(tmp_path):
    for hour in range(4):
        now = datetime.datetime(2026, 1, 1, hour, tzinfo=datetime.UTC)
        export_dataset(tmp_path, site_url="https://registry.example.org", now=now)
    removed = prune_dumps(tmp_path, keep=2)
    assert [p.name for p in removed] == [
        "ssc-registry-data-20260101T010000Z.zip",
        "ssc-registry-data-20260101T000000Z.zip",
    ]
    assert len(list(tmp_path.glob("*.zip"))) == 2
    assert not list(tmp_path.glob(".export-*"))  # no work files left behind


def test_the_data_page_says_when_no_dump_exists_yet(client, settings, tmp_path):
    settings.DATA_DUMP_DIR = tmp_path / "none-yet"
    response = client.get(reverse("open-data"))
    assert response.status_code == 200
    assert "No release of the full download exists yet" in response.text
    # Plainly said to the public: no alarm, and no operator's command for a visitor to run.
    assert "manage.py" not in response.text and "status-alert" not in response.text
    assert "/api/v1/partnerships/export.csv" in response.text
    assert "Creative Commons Attribution 4.0 International" in response.text
    assert client.get(reverse("data-latest")).status_code == 404


def test_the_data_page_offers_the_latest_dump(client, settings, tmp_path):
    settings.DATA_DUMP_DIR = tmp_path
    export_dataset(
        tmp_path, site_url="https://x.example", now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    latest = export_dataset(tmp_path, site_url="https://x.example")
    response = client.get(reverse("open-data"))
    assert f'href="{reverse("data-file", args=[latest.name])}"' in response.text
    redirect = client.get(reverse("data-latest"))
    assert redirect.status_code == 302 and redirect["Location"] == reverse("data-file", args=[latest.name])
    download = client.get(redirect["Location"])
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)
    assert body == Path(latest).read_bytes()
    assert zipfile.ZipFile(io.BytesIO(body)).read("datapackage.json")


@pytest.mark.parametrize("name", ["datapackage.json", "ssc-registry-data-20260101T000000Z.zip", ".env"])
def test_only_existing_dumps_are_served(client, settings, tmp_path, name):
    settings.DATA_DUMP_DIR = tmp_path
    (tmp_path / "datapackage.json").write_text("{}")
    (tmp_path / ".env").write_text("SECRET=1")
    assert client.get(reverse("data-file", args=[name])).status_code == 404
