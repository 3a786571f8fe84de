"""The public shape (registry/shapes.py) of publications.

Drafts stay out: authors, organisations, related publications, partnerships and the launch event
only when published.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from events.shapes import EVENT_COMPACT
from partnerships.shapes import PARTNERSHIP_COMPACT, SDG_COMPACT, PartnerRoles, Sources, vocabulary
from registry.shapes import (
    SLUG,
    SLUG_NAME,
    TEXT,
    URI,
    AnyOf,
    Cell,
    Choice,
    CodeName,
    Context,
    DumpColumn,
    Entries,
    Field,
    ListOf,
    Many,
    Object,
    PartialDate,
    Plain,
    RecordShape,
    Relation,
    Row,
    Scalar,
    Stored,
    joined_cell,
    labelled,
    many_to_many,
)
from registry.workflow import Status

from .models import Authorship, LanguageVersion, Publication, PublicationOrganisation, PublicationRelation
from .uploads import publication_file_url

PUBLISHED = Status.PUBLISHED

PUBLICATION_COMPACT = Object.of("PublicationCompact", slug=SLUG, title=TEXT)
AUTHOR = Object.of("Author", slug=SLUG, name=TEXT, role=Stored("role", Authorship))
LANGUAGE_VERSION = Object.of(
    "LanguageVersion",
    language=Plain(help="ISO 639-1 code."),
    title=Stored("title", LanguageVersion),
    url=URI.nullable("Where to read this version: its web page or file (null when the source gives none)."),
    is_original=Stored("is_original", LanguageVersion),
)


def _authors(ids: list[Any]) -> models.QuerySet:
    return (
        Authorship.objects.filter(AnyOf("publication_id", ids), person__status=PUBLISHED)
        .order_by(*Authorship._meta.ordering)
        .values_list("publication_id", "person__slug", "person__name", "role")
    )


def _versions(ids: list[Any]) -> models.QuerySet:
    return (
        LanguageVersion.objects.filter(AnyOf("publication_id", ids))
        .order_by(*LanguageVersion._meta.ordering)
        .values_list(
            "publication_id", "language_id", "title", "url", "file", "is_original", "publication__slug"
        )
    )


def _relations(ids: list[Any]) -> models.QuerySet:
    return (
        PublicationRelation.objects.filter(AnyOf("source_id", ids), target__status=PUBLISHED)
        .order_by(*PublicationRelation._meta.ordering)
        .values_list("source_id", "relation_type", "target__slug", "target__title")
    )


def _language_versions(_row: Row, entries: Entries, context: Context) -> list[dict[str, Any]]:
    """Each version's address: its own, else its file's, else None."""
    absolute = context.request.build_absolute_uri
    return [
        LANGUAGE_VERSION.make(
            language,
            title,
            url or (absolute(publication_file_url(publication, file)) if file else None),
            is_original,
        )
        for language, title, url, file, is_original, publication in entries
    ]


RELATION = Object.of(
    "Relation", type=Stored("relation_type", PublicationRelation), publication=PUBLICATION_COMPACT
)


def _series(row: Row, _entries: Entries, _context: Context) -> dict[str, Any] | None:
    return None if row["series_id"] is None else SLUG_NAME.make(row["series__slug"], row["series__name"])


def _launched(row: Row, _entries: Entries, _context: Context) -> dict[str, Any] | None:
    if row["launched_at__status"] != PUBLISHED:
        return None
    return EVENT_COMPACT.make(row["launched_at__slug"], row["launched_at__title"])


PUBLICATION = RecordShape(
    Publication,
    api_view="publication-detail",
    web_view="reports:publication-detail",
    fields=[
        Scalar("title", description="Title in the original language."),
        Choice("type", Publication, source="publication_type", csv=("type_code", "type")),
        CodeName("document_category", description="IATI DocumentCategory code."),
        Scalar("summary", csv=False),
        PartialDate("publication_date", description="First day of the date's period (see precision)."),
        Field(
            "series",
            columns=("series_id", "series__slug", "series__name"),
            json=_series,
            schema=SLUG_NAME.nullable(),
            csv=(
                Cell(
                    "series",
                    lambda row, _e: (
                        "" if row["series_id"] is None else labelled(row["series__name"], row["series__slug"])
                    ),
                ),
            ),
            dump=(DumpColumn("series", "string", "", lambda row, _e: row["series__name"]),),
        ),
        Scalar("document_symbol", csv=False, description="UN document symbol."),
        Many(
            "authors",
            Relation(("publication-authors",), _authors),
            json=AUTHOR,
            csv=lambda slug, name, _role: labelled(name, slug),
        ),
        PartnerRoles("organisations", PublicationOrganisation, "publication", "OrganisationRole"),
        Field(
            "language_versions",
            relation=Relation(("publication-versions",), _versions),
            json=_language_versions,
            schema=ListOf(LANGUAGE_VERSION),
            csv=(Cell("languages", lambda _row, entries: joined_cell(e[0] for e in entries)),),
        ),
        Many(
            "relations",
            Relation(("publication-relations",), _relations),
            json=lambda kind, slug, title: RELATION.make(kind, PUBLICATION_COMPACT.make(slug, title)),
            item=RELATION,
        ),
        Field(
            "launched_at",
            columns=("launched_at_id", "launched_at__status", "launched_at__slug", "launched_at__title"),
            json=_launched,
            schema=EVENT_COMPACT.nullable(
                "The event where the publication was launched, adopted or presented (see launch_type)."
            ),
            csv=(
                Cell(
                    "launched_at",
                    lambda row, _e: (
                        row["launched_at__slug"] if row["launched_at__status"] == PUBLISHED else ""
                    ),
                ),
            ),
            dump=(
                DumpColumn(
                    "launched_at_event_id",
                    "integer",
                    "The event where it was launched or adopted.",
                    lambda row, _e: (
                        row["launched_at_id"] if row["launched_at__status"] == PUBLISHED else None
                    ),
                ),
            ),
        ),
        Scalar("launch_type", csv=False, dump=False),
        Many(
            "partnerships",
            many_to_many(Publication, "partnerships", "slug", "title", status=PUBLISHED),
            json=PARTNERSHIP_COMPACT,
        ),
        vocabulary(
            Publication,
            "sdgs",
            "code",
            "short_title",
            json=SDG_COMPACT,
            dump_description="SDG numbers.",
            item_type="integer",
        ),
        vocabulary(Publication, "regions", "code", "name", dump_description="UN M49 region codes."),
        vocabulary(Publication, "themes", "slug", "name", json=SLUG_NAME, dump_description="Theme slugs."),
        Sources(Publication),
    ],
)
