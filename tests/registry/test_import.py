"""Import and export: dry runs, all-or-nothing, idempotent re-imports, drafts, the command."""

from __future__ import annotations

import io
import json

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from events.resources import EventResource
from partnerships.models import Participation, Partner, Partnership
from partnerships.resources import PartnerResource, PartnershipResource
from registry import services
from registry.workflow import Status
from reports.resources import PublicationResource
from sscregistry.seed import load_seed_data

pytestmark = pytest.mark.django_db

PARTNERS_CSV = """slug,name,acronym,identifier,organisation_type,country,website,status
wgeo,World Green Economy Organization,WGEO,,90,AE,https://www.wgeo.org,published
isdb,Islamic Development Bank,IsDB,XM-DAC-976,40,SA,,published
"""


def _dataset(text: str, fmt: str = "csv") -> tablib.Dataset:
    return tablib.Dataset().load(text, format=fmt)


def test_import_creates_drafts_for_importers_who_may_not_publish(contributor):
    result = PartnerResource().import_data(_dataset(PARTNERS_CSV), user=contributor)
    assert not result.has_errors() and not result.has_validation_errors()
    assert set(Partner.objects.values_list("slug", "status")) == {("wgeo", "draft"), ("isdb", "draft")}
    assert Partner.objects.get(slug="isdb").created_by == contributor


def test_an_import_never_publishes_even_for_a_curator_and_says_why(curator):
    result = PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator)

    assert not result.has_errors() and not result.has_validation_errors()
    assert set(Partner.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert not Partner.objects.filter(published_at__isnull=False).exists()
    assert result.status_column_ignored
    assert [number for number, _ in result.notes] == [1, 2]
    assert "status “published” ignored" in result.notes[0][1][0]
    assert "arrives as a draft" in result.notes[0][1][0]


def test_reimporting_with_status_published_leaves_a_draft_a_draft(curator):
    PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator)
    changed = PARTNERS_CSV.replace("https://www.wgeo.org", "https://wgeo.org")

    result = PartnerResource().import_data(_dataset(changed), user=curator)

    assert result.totals["update"] == 1
    assert Partner.objects.get(slug="wgeo").status == Status.DRAFT
    assert "stays draft" in result.notes[0][1][0]


def test_a_status_matching_the_record_is_not_noted(curator, make_partner):
    wgeo = make_partner(name="World Green Economy Organization", slug="wgeo")
    services.record_publish(record=wgeo, user=curator)
    csv = "slug,name,status\nwgeo,World Green Economy Organization,Published\n"
    result = PartnerResource().import_data(_dataset(csv), user=curator)
    assert result.totals["skip"] == 1
    assert result.notes == []


def test_dry_run_writes_nothing(curator):
    result = PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator, dry_run=True)
    assert result.totals["new"] == 2
    assert not Partner.objects.exists()


def test_one_bad_row_rolls_back_the_whole_file(curator):
    bad = PARTNERS_CSV + "bad,Bad country partner,,,,ZZ,,draft\n"
    result = PartnerResource().import_data(_dataset(bad), user=curator)
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 3
    assert "country" in invalid.error_dict
    assert not Partner.objects.exists()


def test_reimport_updates_by_slug_and_an_unchanged_file_changes_nothing(curator):
    PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator)
    changed = PARTNERS_CSV.replace("https://www.wgeo.org", "https://wgeo.org")
    result = PartnerResource().import_data(_dataset(changed), user=curator)
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 1, 1)
    result = PartnerResource().import_data(_dataset(changed), user=curator)
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)
    assert Partner.objects.count() == 2
    assert Partner.objects.get(slug="wgeo").website == "https://wgeo.org"


def test_rows_without_slug_match_by_identifier_or_name(curator):
    PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator)
    no_slugs = (
        "name,identifier,website\n"
        "World Green Economy Organization,,https://new.wgeo.org\n"
        "IsDB renamed,XM-DAC-976,\n"
    )
    result = PartnerResource().import_data(_dataset(no_slugs), user=curator)
    assert result.totals["new"] == 0
    assert Partner.objects.count() == 2
    assert Partner.objects.get(slug="wgeo").website == "https://new.wgeo.org"
    assert Partner.objects.get(slug="isdb").name == "IsDB renamed"


def test_contributors_cannot_change_published_records_by_import(curator, contributor, superuser):
    PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator)
    services.record_publish(record=Partner.objects.get(slug="wgeo"), user=superuser)
    result = PartnerResource().import_data(
        _dataset(PARTNERS_CSV.replace("World Green Economy Organization", "Vandalised")), user=contributor
    )
    assert result.has_validation_errors()
    assert "only a curator" in str(result.invalid_rows[0].error)
    assert Partner.objects.get(slug="wgeo").name == "World Green Economy Organization"


def test_partnership_import_sets_participants_codes_and_tags(curator):
    load_seed_data()
    csv = (
        "slug,title,partners,sdgs,countries,modalities,themes\n"
        "new-one,A new partnership,unossc|1; wgeo,5,AE;NO,south_south,green-economy\n"
    )
    result = PartnershipResource().import_data(_dataset(csv), user=curator)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    record = Partnership.objects.get(slug="new-one")
    assert record.status == Status.DRAFT
    assert set(record.participations.values_list("partner__slug", "role_id")) == {
        ("unossc", "1"),
        ("wgeo", None),
    }
    assert list(record.sdgs.values_list("code", flat=True)) == [5]
    assert set(record.countries.values_list("code", flat=True)) == {"AE", "NO"}

    unknown = csv.replace("unossc|1; wgeo", "nobody").replace("new-one", "other")
    result = PartnershipResource().import_data(_dataset(unknown), user=curator)
    assert result.has_errors()
    assert "partners: unknown partner slug(s): nobody" in str(result.row_errors()[0][1][0].error)
    assert not Partnership.objects.filter(slug="other").exists()


def test_unknown_codes_in_a_list_are_errors_not_dropped(curator):
    csv = "slug,title,sdgs\nx,Title,5;18\n"
    result = PartnershipResource().import_data(_dataset(csv), user=curator)
    assert result.has_errors()
    assert "sdgs: no SDG with code or name “18”" in str(result.row_errors()[0][1][0].error)
    assert not Partnership.objects.exists()


@pytest.mark.parametrize(
    "resource", [PartnerResource, PartnershipResource, EventResource, PublicationResource]
)
def test_exporting_then_reimporting_the_seed_data_changes_nothing(curator, resource):
    load_seed_data()
    model = resource._meta.model
    before = model.objects.count()
    exported = resource().export(queryset=model.objects.all())

    result = resource().import_data(_dataset(exported.csv), user=curator)

    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert result.totals["new"] == 0
    assert result.totals["update"] == 0
    assert model.objects.count() == before


def test_export_puts_labels_next_to_codes():
    load_seed_data()
    exported = PartnershipResource().export(queryset=Partnership.objects.filter(slug__contains="wgeo"))
    row = exported.dict[0]
    assert row["sdgs"] and row["sdg_labels"].startswith("SDG ")
    assert row["status"] == "published" and row["status_label"] == "Published"
    assert "unossc" in row["partners"]
    assert "United Nations Office for South-South Cooperation (UNOSSC)" in row["partner_labels"]


def test_admin_import_previews_then_confirms(client_as, curator):
    client = client_as(curator)
    url = reverse("admin:partnerships_partner_import")
    upload = SimpleUploadedFile("partners.csv", PARTNERS_CSV.encode(), content_type="text/csv")
    preview = client.post(url, {"resource": "0", "format": "0", "import_file": upload})

    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    assert not Partner.objects.exists()
    confirm = preview.context["confirm_form"]
    data = {name: confirm.initial.get(name, field.initial) for name, field in confirm.fields.items()}
    response = client.post(reverse("admin:partnerships_partner_process_import"), data)

    assert response.status_code == 302
    assert Partner.objects.count() == 2


def test_admin_import_shows_row_errors_and_offers_no_confirmation(client_as, curator):
    client = client_as(curator)
    bad = PARTNERS_CSV + "bad,Bad,,,,ZZ,,\n"
    upload = SimpleUploadedFile("partners.csv", bad.encode(), content_type="text/csv")
    response = client.post(
        reverse("admin:partnerships_partner_import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    assert "confirm_form" not in response.context
    assert "no country with code or name “ZZ”" in response.content.decode()
    assert not Partner.objects.exists()


def test_admin_export_of_selected_records_as_csv(client_as, curator):
    load_seed_data()
    client = client_as(curator)
    chosen = Partner.objects.filter(slug__in=["unossc", "wgeo"])
    response = client.post(
        reverse("admin:partnerships_partner_export"),
        {
            "format": "0",
            "export_items": [p.pk for p in chosen],
            **{f"partnerresource_{f}": "on" for f in ["slug", "name", "country", "country_label"]},
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.splitlines()[0] == "slug,name,country,country_label"
    assert "AE,United Arab Emirates" in text
    assert len(text.strip().splitlines()) == 3


def test_command_imports_and_reports(tmp_path, curator):
    path = tmp_path / "partners.csv"
    path.write_text(PARTNERS_CSV)
    out, err = io.StringIO(), io.StringIO()

    call_command("import_records", "partners", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Dry run, nothing written: 2 new" in out.getvalue()
    assert not Partner.objects.exists()

    call_command(
        "import_records",
        "partners",
        str(path),
        "--user",
        "curator",
        "--progress-every",
        "1",
        stdout=out,
        stderr=err,
    )
    assert "partners: row 2 of 2" in err.getvalue()
    assert "Note: Row 1: status “published” ignored" in err.getvalue()
    assert Partner.objects.filter(status=Status.DRAFT).count() == 2
    history_user = Partner.objects.get(slug="wgeo").history.first().pgh_context.metadata["user"]
    assert history_user == curator.pk


def test_command_fails_with_row_and_field_and_writes_nothing(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(PARTNERS_CSV + "bad,Bad,,,,ZZ,,\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_records", "partners", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert "Row 3, field “country”: no country with code or name “ZZ”" in str(failure.value)
    assert not Partner.objects.exists()


def test_command_exit_code_is_non_zero_on_bad_input(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    path = tmp_path / "partners.json"
    path.write_text("this is not json")
    # call_command raises; the real process must exit with status 1 and say why on stderr.
    with pytest.raises(CommandError, match="Could not read partners.json as JSON"):
        call_command("import_records", "partners", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    missing = subprocess.run(
        [sys.executable, "manage.py", "import_records", "partners", str(tmp_path / "missing.csv")],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "sscregistry.settings", "DATABASE_URL": _database_url(), "PATH": ""},
    )
    assert missing.returncode == 1
    assert "No such file" in missing.stderr


def test_command_reads_json_and_xlsx(tmp_path, curator):
    rows = [{"slug": "wgeo", "name": "World Green Economy Organization", "country": "AE"}]
    (tmp_path / "p.json").write_text(json.dumps(rows))
    call_command(
        "import_records", "partners", str(tmp_path / "p.json"), stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Partner.objects.get(slug="wgeo").country_id == "AE"

    book = tablib.Dataset(headers=["slug", "name", "country"])
    book.append(["isdb", "Islamic Development Bank", "SA"])
    (tmp_path / "p.xlsx").write_bytes(book.export("xlsx"))
    call_command(
        "import_records", "partners", str(tmp_path / "p.xlsx"), stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Partner.objects.get(slug="isdb").country_id == "SA"
    assert Participation.objects.count() == 0


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'].replace('/', '%2F')}:{s['PORT']}/{s['NAME']}"


def test_import_refuses_more_rows_than_the_limit_before_reading_any(settings, curator):
    settings.IMPORT_MAX_ROWS = 2
    rows = "".join(f"p{n},Partner {n}\n" for n in range(3))
    result = PartnerResource().import_data(_dataset("slug,name\n" + rows), user=curator)
    assert result.has_errors()
    assert "at most 2 can be imported" in str(result.base_errors[0].error)
    assert not Partner.objects.exists()


def test_admin_import_refuses_a_file_over_the_size_limit(settings, client_as, curator):
    settings.IMPORT_MAX_FILE_SIZE = 1024
    upload = SimpleUploadedFile("partners.csv", b"slug,name\n" + b"x,y\n" * 600, content_type="text/csv")
    response = client_as(curator).post(
        reverse("admin:partnerships_partner_import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    assert response.status_code == 200
    assert "at most 1 KB can be imported" in response.content.decode()
    assert not Partner.objects.exists()


def test_import_command_refuses_a_file_over_the_size_limit(settings, tmp_path, db):
    settings.IMPORT_MAX_FILE_SIZE = 10
    path = tmp_path / "partners.csv"
    path.write_text(PARTNERS_CSV)
    with pytest.raises(CommandError, match="IMPORT_MAX_FILE_SIZE"):
        call_command("import_records", "partners", str(path))


# Readable labels: codes or names, case and accents aside; anything else is a row error.


def test_labels_and_codes_resolve_case_and_accents_aside(curator):
    csv = (
        "slug,name,organisation_type,country\n"
        "a,Partner A,Government,Colombia\n"
        "b,Partner B,10,co\n"
        "c,Partner C,government,cote d'ivoire\n"
        "d,Partner D,Foundation,COL\n"
    )
    result = PartnerResource().import_data(_dataset(csv), user=curator)

    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    got = dict(Partner.objects.values_list("slug", "country_id"))
    assert got == {"a": "CO", "b": "CO", "c": "CI", "d": "CO"}
    assert set(Partner.objects.filter(slug__in="abc").values_list("organisation_type_id", flat=True)) == {
        "10"
    }
    assert Partner.objects.get(slug="d").organisation_type_id == "60"


def test_list_columns_take_labels_separated_by_semicolons(curator):
    csv = (
        "slug,title,sdgs,countries,modalities,regions\n"
        'x,Title,17; SDG 5; Gender equality,"Bonaire, Sint Eustatius and Saba; Perú",South-South cooperation,'
        "Latin America and the Caribbean\n"
    )
    result = PartnershipResource().import_data(_dataset(csv), user=curator)

    assert not result.has_errors() and not result.has_validation_errors(), result.row_errors()
    record = Partnership.objects.get(slug="x")
    assert set(record.sdgs.values_list("code", flat=True)) == {5, 17}
    assert set(record.countries.values_list("code", flat=True)) == {"BQ", "PE"}
    assert list(record.modalities.values_list("code", flat=True)) == ["south_south"]
    assert list(record.regions.values_list("code", flat=True)) == ["419"]


def test_a_comma_separated_label_with_a_comma_is_read_whole(curator):
    csv = 'slug,title,countries\nx,Title,"Bonaire, Sint Eustatius and Saba"\n'
    result = PartnershipResource().import_data(_dataset(csv), user=curator)
    assert not result.has_errors(), result.row_errors()
    assert list(Partnership.objects.get(slug="x").countries.values_list("code", flat=True)) == ["BQ"]


def test_an_unknown_label_is_a_row_error_naming_the_column_and_the_value(curator):
    csv = "slug,name,organisation_type,country\na,Partner A,Government,Narnia\n"
    result = PartnerResource().import_data(_dataset(csv), user=curator)
    assert result.has_validation_errors()
    assert result.invalid_rows[0].error_dict["country"] == ["no country with code or name “Narnia”"]

    csv = "slug,title,countries,themes\nx,Title,Colombia; Atlantis,Nothing like it\n"
    result = PartnershipResource().import_data(_dataset(csv), user=curator)
    assert "countries: no country with code or name “Atlantis”" in str(result.row_errors()[0][1][0].error)
    assert not Partner.objects.exists() and not Partnership.objects.exists()


def test_languages_and_roles_are_found_by_name_too():
    from registry.resources import VocabularyWidget
    from vocabularies.models import Language

    widget = VocabularyWidget(Language)
    assert widget.clean("French").code == "fr"
    assert widget.clean("FR").code == "fr"
    with pytest.raises(ValueError, match="no language with code or name “Klingon”"):
        widget.clean("Klingon")


def test_partnership_partners_take_role_names(curator):
    load_seed_data()
    csv = "slug,title,partners\nnew-one,A new partnership,unossc|Implementing; wgeo|1\n"
    result = PartnershipResource().import_data(_dataset(csv), user=curator)
    assert not result.has_errors(), result.row_errors()
    assert set(
        Partnership.objects.get(slug="new-one").participations.values_list("partner__slug", "role_id")
    ) == {
        ("unossc", "4"),
        ("wgeo", "1"),
    }


def test_event_types_are_read_as_labels_too(curator):
    csv = "slug,title,event_type,start,end\nconf,A conference,Conference,2030-05-01 09:00,2030-05-01 17:00\n"
    result = EventResource().import_data(_dataset(csv), user=curator)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    from events.models import Event

    assert Event.objects.get(slug="conf").event_type == Event.Type.CONFERENCE


# Likely duplicates: the preview runs the admin partner form's check on every new or renamed partner.


def test_the_dry_run_flags_likely_duplicate_partners(curator, make_partner):
    make_partner(name="World Green Economy Organization", acronym="WGEO", slug="wgeo")
    csv = "slug,name\nwgeo-2,World Green Economy Organisation\nelse,Something Else Entirely\n"

    result = PartnerResource().import_data(_dataset(csv), user=curator, dry_run=True)

    assert [number for number, _ in result.notes] == [1]
    assert "may be a partner the registry already has" in result.notes[0][1][0]
    assert "(wgeo, draft," in result.notes[0][1][0]


def test_the_admin_preview_shows_duplicates_and_the_ignored_status(client_as, curator, make_partner):
    make_partner(name="World Green Economy Organization", acronym="WGEO", slug="wgeo-old")
    upload = SimpleUploadedFile("partners.csv", PARTNERS_CSV.encode(), content_type="text/csv")
    response = client_as(curator).post(
        reverse("admin:partnerships_partner_import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    page = response.content.decode()
    assert "confirm_form" in response.context
    assert "The file's status column is ignored." in page
    assert "Row 1: status “published” ignored" in page
    assert "Row 1: “World Green Economy Organization” may be a partner the registry already has" in page


# The row cap holds while the file is read.


class CountingStream(io.BytesIO):
    """A file that counts the bytes read from it."""

    bytes_read = 0

    def read(self, size=-1):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def read1(self, size=-1):
        data = super().read1(size)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.bytes_read += count
        return count


def _huge_csv(rows: int = 200_000) -> bytes:
    return ("slug,name,country\n" + "".join(f"p{n},Partner number {n},CO\n" for n in range(rows))).encode()


@pytest.fixture
def rows_read(monkeypatch):
    """The number of data rows each CSV reader gave out (each list entry is one reader)."""
    import csv

    from registry import resources

    counts = []
    real_reader = csv.reader

    def counting_reader(*args, **kwargs):
        counts.append(-1)  # the header
        index = len(counts) - 1
        for row in real_reader(*args, **kwargs):
            counts[index] += 1
            yield row

    monkeypatch.setattr(resources.csv, "reader", counting_reader)
    return counts


def test_a_huge_csv_is_refused_after_one_row_past_the_limit(settings):
    from registry.resources import TooManyRows, read_dataset

    content = _huge_csv()
    stream = CountingStream(content)
    with pytest.raises(TooManyRows) as refused:
        read_dataset(stream, "csv")
    assert refused.value.rows_read == settings.IMPORT_MAX_ROWS + 1
    assert stream.bytes_read < len(content) // 10
    assert "more than 10000 rows; at most 10000 can be imported" in str(refused.value)


def test_the_admin_refuses_a_huge_csv_reading_only_up_to_the_limit(client_as, curator, rows_read):
    upload = SimpleUploadedFile("partners.csv", _huge_csv(), content_type="text/csv")
    response = client_as(curator).post(
        reverse("admin:partnerships_partner_import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    assert "The file has more than 10000 rows" in response.content.decode()
    assert "confirm_form" not in response.context
    assert rows_read and max(rows_read) == 10_001
    assert not Partner.objects.exists()


def test_the_command_refuses_a_huge_csv_reading_only_up_to_the_limit(tmp_path, rows_read, db):
    path = tmp_path / "partners.csv"
    path.write_bytes(_huge_csv())
    with pytest.raises(CommandError, match="more than 10000 rows"):
        call_command("import_records", "partners", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert rows_read == [10_001]


def test_an_xlsx_over_the_limit_is_read_row_by_row_and_refused(settings, monkeypatch):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from registry.resources import TooManyRows, read_dataset

    settings.IMPORT_MAX_ROWS = 5
    book = tablib.Dataset(headers=["slug", "name"])
    for n in range(50):
        book.append([f"p{n}", f"Partner {n}"])
    content = book.export("xlsx")
    rows_given = []
    real_cells_by_row = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in real_cells_by_row(self, *args, **kwargs):
            rows_given.append(1)
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    with pytest.raises(TooManyRows) as refused:
        read_dataset(content, "xlsx")
    assert refused.value.rows_read == 6
    assert len(rows_given) == 7  # the header and six rows, of 51

    settings.IMPORT_MAX_ROWS = 50
    assert len(read_dataset(content, "xlsx")) == 50


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_title_an_export_escaped_imports_back_unchanged(curator, fmt):
    """Exports write '-5 percent and '=SUM(...) with an apostrophe; importing the file back must
    not store the apostrophe (nor change anything)."""
    from tests.factories import PartnershipFactory

    first = PartnershipFactory(title="-5 percent emissions by 2030", draft=True)
    second = PartnershipFactory(title='=HYPERLINK("http://evil.example","x")', draft=True)
    exported = PartnershipResource().export(queryset=Partnership.objects.filter(pk__in=[first.pk, second.pk]))
    assert "'-5 percent" in exported.csv
    data = exported.export(fmt)
    dataset = tablib.Dataset().load(data, format=fmt)
    result = PartnershipResource().import_data(dataset, user=curator)
    errors = [str(e.error) for row in result.rows for e in row.errors] + [
        str(e.error) for e in result.base_errors
    ]
    assert not errors and not result.has_validation_errors(), (errors, result.invalid_rows)
    assert result.totals["update"] == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == "-5 percent emissions by 2030"
    assert second.title == '=HYPERLINK("http://evil.example","x")'


def test_an_import_reads_the_language_and_translations_and_refuses_bad_ones(curator):
    csv = (
        "slug,title,language,translations\n"
        'riz,Riziculture irriguée,fr,"{""en"": {""title"": ""Irrigated rice farming""}}"\n'
    )
    result = PartnershipResource().import_data(_dataset(csv), user=curator)
    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    record = Partnership.objects.get(slug="riz")
    assert record.language == "fr"
    assert record.translations == {"en": {"title": "Irrigated rice farming"}}
    bad = csv.replace("riz,", "other,").replace(",fr,", ",French,")
    result = PartnershipResource().import_data(_dataset(bad), user=curator)
    assert result.has_validation_errors()
    assert "language" in str(result.invalid_rows[0].error_dict)
    assert not Partnership.objects.filter(slug="other").exists()
