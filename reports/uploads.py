"""Uploaded publication files: checks on type, size and a safe stored name, and their public address.

Files are never served from MEDIA_URL: `publication_file_url` names the address of
`reports.views.publication_file`, which answers only for published publications (and curators'
previews), whatever storage holds the files (the server's disk, or a bucket: docs/scaling.md).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import slugify

# Extension -> the bytes such a file starts with (None: plain text, no signature to check).
ALLOWED_SIGNATURES: dict[str, tuple[bytes, ...] | None] = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "epub": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "txt": None,
}

# Extension -> the Content-Type a file is served with, and whether a browser may show it in place
# (PDF and plain text) or must download it (office documents, which only other programs open).
CONTENT_TYPES: dict[str, tuple[str, bool]] = {
    "pdf": ("application/pdf", True),
    "txt": ("text/plain; charset=utf-8", True),
    "doc": ("application/msword", False),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", False),
    "odt": ("application/vnd.oasis.opendocument.text", False),
    "epub": ("application/epub+zip", False),
}


def file_extension(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def publication_file_url(publication_slug: str, stored_name: str) -> str:
    """The address a stored publication file is served at: /files/publications/<slug>/<file name>."""
    return reverse(
        "publication-file", kwargs={"slug": publication_slug, "filename": os.path.basename(stored_name)}
    )


def validate_publication_file(upload: Any) -> None:
    """Refuse files of other types, files whose content does not match their extension, and big files."""
    extension = file_extension(upload.name)
    if extension not in ALLOWED_SIGNATURES:
        raise ValidationError(
            "Upload a file of one of these types: %(types)s.",
            code="file_type",
            params={"types": ", ".join(sorted(ALLOWED_SIGNATURES))},
        )
    limit = settings.PUBLICATION_FILE_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            "The file is larger than %(limit)s MB.",
            code="file_size",
            params={"limit": settings.PUBLICATION_FILE_MAX_MB},
        )
    signatures = ALLOWED_SIGNATURES[extension]
    if signatures is not None:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError(
                "The file's content is not a .%(extension)s file.",
                code="file_content",
                params={"extension": extension},
            )


def publication_file_path(instance: Any, filename: str) -> str:
    """Store as publications/<year>/<publication-slug>-<language>.<ext>: never the uploader's name."""
    extension = os.path.splitext(filename)[1].lower()
    slug = slugify(instance.publication.slug)[:80] or "publication"
    year = instance.publication.publication_date.year if instance.publication.publication_date else "undated"
    return f"publications/{year}/{slug}-{instance.language_id}{extension}"
