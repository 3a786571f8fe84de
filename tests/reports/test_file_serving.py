"""Uploaded publication files: served for published publications only, in production as in development."""

from __future__ import annotations

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches

from reports.models import LanguageVersion
from tests.factories import LanguageVersionFactory, PublicationFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
PDF = b"%PDF-1.7\n% a small test file\n"


@pytest.fixture
def production(settings, tmp_path):
    """Production's answer to a request: DEBUG off, files in a directory of their own."""
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    return settings


def _upload(publication, language: str = "en", name: str = "report.pdf", content: bytes = PDF):
    return LanguageVersionFactory(
        publication=publication, language_id=language, file=SimpleUploadedFile(name, content)
    )


def _body(response) -> bytes:
    # Reading to the end closes the file (the test client closes the response then).
    return b"".join(response.streaming_content)


def _address(version: LanguageVersion) -> str:
    return f"/files/publications/{version.publication.slug}/{os.path.basename(version.file.name)}"


def test_a_published_file_is_served_in_production_with_its_type_and_headers(client, production):
    version = _upload(PublicationFactory(slug="triangular-cooperation-report"))

    response = client.get(_address(version))

    assert response.status_code == 200
    assert _body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="triangular-cooperation-report-en.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=600"}
    assert client.head(_address(version)).status_code == 200


def test_office_documents_are_downloaded_rather_than_shown(client, production):
    version = _upload(PublicationFactory(slug="guidelines"), name="g.docx", content=b"PK\x03\x04rest")

    response = client.get(_address(version))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="guidelines-en.docx"'
    _body(response)


def test_a_drafts_file_is_the_same_404_as_a_missing_one_for_anyone_but_curators(
    client, client_as, production, curator, make_user, django_user_model
):
    version = _upload(PublicationFactory(slug="not-yet-public", draft=True))
    missing = "/files/publications/not-yet-public/not-yet-public-fr.pdf"

    assert client.get(_address(version)).status_code == 404
    assert client.get(missing).status_code == 404
    visitor = django_user_model.objects.create_user("visitor", password="a-long-test-password")
    assert client_as(visitor).get(_address(version)).status_code == 404  # signed in, but not staff
    no_role = make_user("staff-without-a-role")
    assert client_as(no_role).get(_address(version)).status_code == 404

    response = client_as(curator).get(_address(version))
    assert response.status_code == 200
    assert _body(response) == PDF
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_unpublished_publications_file_is_gone_at_once(client, production):
    from registry.workflow import Status

    version = _upload(PublicationFactory(slug="withdrawn"))
    assert client.get(_address(version)).status_code == 200
    type(version.publication).objects.filter(pk=version.publication.pk).update(status=Status.DRAFT)
    assert client.get(_address(version)).status_code == 404


def test_the_page_and_the_api_link_to_the_served_address(client, api, production):
    version = _upload(PublicationFactory(slug="linked-report"))
    address = _address(version)

    page = client.get("/publications/linked-report/").content.decode()
    record = api.get("/api/v1/publications/linked-report/").json()

    assert f'href="{address}"' in page
    assert [v["url"] for v in record["language_versions"]] == [f"http://testserver{address}"]
    assert "/media/" not in page
    assert client.get(address).status_code == 200


@pytest.mark.parametrize("debug", [False, True])
def test_uploads_are_never_served_from_media_url(client, production, debug):
    """In development (DEBUG on) the URLconf once served MEDIA_URL as it was, drafts included."""
    import sscregistry.urls

    draft = _upload(PublicationFactory(slug="draft-strategy", draft=True))
    published = _upload(PublicationFactory(slug="public-strategy"))
    production.DEBUG = debug
    try:
        importlib.reload(sscregistry.urls)
        clear_url_caches()
        answers = [client.get(f"/media/{v.file.name}").status_code for v in (draft, published)]
        via_view = client.get(_address(draft)).status_code
    finally:
        production.DEBUG = False
        importlib.reload(sscregistry.urls)
        clear_url_caches()
    assert answers == [404, 404]
    assert via_view == 404


def _settings_with(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SSC_S3_"))}
    base.setdefault("DATABASE_URL", "postgres://nobody@localhost:1/none")
    code = "from django.conf import settings; print(settings.STORAGES['default'])"
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
    )


def test_a_bucket_named_in_the_environment_becomes_the_file_storage():
    result = _settings_with(SSC_S3_BUCKET="registry-files", SSC_S3_ENDPOINT_URL="https://s3.example.org")
    if importlib.util.find_spec("storages") is None:
        # django-storages is optional: without it the setting refuses to start, saying what to install.
        assert result.returncode != 0
        assert "SSC_S3_BUCKET needs django-storages[s3]" in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert "storages.backends.s3.S3Storage" in result.stdout
        assert "'bucket_name': 'registry-files'" in result.stdout
        assert "'default_acl': 'private'" in result.stdout
    plain = _settings_with()
    assert plain.returncode == 0, plain.stderr
    assert "FileSystemStorage" in plain.stdout
