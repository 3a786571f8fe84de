import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import LanguageVersion
from reports.uploads import validate_publication_file
from tests.factories import PublicationFactory


def test_a_real_pdf_is_accepted():
    validate_publication_file(SimpleUploadedFile("report.PDF", b"%PDF-1.7\n..."))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("payload.exe", b"MZ...", "Upload a file of one of these types"),
        ("report.html", b"<script>", "Upload a file of one of these types"),
        ("report.pdf", b"<html>not a pdf</html>", "content is not a .pdf file"),
        ("report.docx", b"%PDF-1.7", "content is not a .docx file"),
    ],
)
def test_other_types_and_disguised_files_are_refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_publication_file(SimpleUploadedFile(name, content))
    assert message in str(error.value)


def test_files_over_the_size_limit_are_refused(settings):
    settings.PUBLICATION_FILE_MAX_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        validate_publication_file(big)


@pytest.mark.django_db
def test_stored_file_name_ignores_the_uploaders_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    publication = PublicationFactory(
        slug="technical-cooperation-strategy", publication_date=datetime.date(2007, 4, 1)
    )
    version = LanguageVersion(
        publication=publication,
        language_id="ru",
        title="Стратегия технического сотрудничества",
        file=SimpleUploadedFile("../../etc/passwd ; rm -rf.pdf", b"%PDF-1.4"),
    )
    version.full_clean()
    version.save()
    assert version.file.name == "publications/2007/technical-cooperation-strategy-ru.pdf"
    assert (tmp_path / version.file.name).read_bytes() == b"%PDF-1.4"
