"""Import and export: dry runs, all-or-nothing, idempotent re-imports, drafts, the command."""

from __future__ import annotations

import io
import json

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation.resources import EventResource, PartnerResource, PartnershipResource, PublicationResource
from partnerships.base import Status
from partnerships.models import Participation, Partner, Partnership
from partnerships.seed import load_seed_data

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


def test_curators_import_published_records_through_the_publish_transition(curator):
    PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator)
    wgeo = Partner.objects.get(slug="wgeo")
    assert wgeo.status == Status.PUBLISHED
    assert wgeo.published_at is not None and wgeo.last_reviewed_by == curator


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


def test_contributors_cannot_change_published_records_by_import(curator, contributor):
    PartnerResource().import_data(_dataset(PARTNERS_CSV), user=curator)
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
    assert "sdgs: unknown SDG code(s): 18" in str(result.row_errors()[0][1][0].error)
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
    assert "no country with code “ZZ”" in response.content.decode()
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
    assert Partner.objects.filter(status=Status.PUBLISHED).count() == 2
    history_user = Partner.objects.get(slug="wgeo").history.first().pgh_context.metadata["user"]
    assert history_user == curator.pk


def test_command_fails_with_row_and_field_and_writes_nothing(tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text(PARTNERS_CSV + "bad,Bad,,,,ZZ,,\n")
    with pytest.raises(CommandError) as failure:
        call_command("import_records", "partners", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert "Row 3, field “country”: no country with code “ZZ”" in str(failure.value)
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
