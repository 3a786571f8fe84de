"""Checks on uploaded publication files: type, size and a safe stored name."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
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


def validate_publication_file(upload: Any) -> None:
    """Refuse files of other types, files whose content does not match their extension, and big files."""
    extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
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
