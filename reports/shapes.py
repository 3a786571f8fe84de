"""The public shape (registry/shapes.py) of publications.

Drafts stay out: authors, organisations, related publications, partnerships and the launch event
only when published.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from events.shapes import EVENT_COMPACT
from partnerships.shapes import PARTNERSHIP_COMPACT, SDG_COMPACT, PartnerRoles, Sources, vocabulary
from registry import shapes
from registry.workflow import Status

from .models import Authorship, LanguageVersion, Publication, PublicationOrganisation, PublicationRelation
from .uploads import publication_file_url

PUBLISHED = Status.PUBLISHED

PUBLICATION_COMPACT = shapes.Object.of("PublicationCompact", slug=shapes.SLUG, title=shapes.TEXT)
AUTHOR = shapes.Object.of(
    "Author", slug=shapes.SLUG, name=shapes.TEXT, role=shapes.Stored("role", Authorship)
)
LANGUAGE_VERSION = shapes.Object.of(
    "LanguageVersion",
    language=shapes.Plain(help="ISO 639-1 code."),
    title=shapes.Stored("title", LanguageVersion),
    url=shapes.URI.nullable(
        "Where to read this version: its web page or file (null when the source gives none)."
    ),
    is_original=shapes.Stored("is_original", LanguageVersion),
)


def _authors(ids: list[Any]) -> models.QuerySet:
    return (
        Authorship.objects.filter(shapes.AnyOf("publication_id", ids), person__status=PUBLISHED)
        .order_by(*Authorship._meta.ordering)
        .values_list("publication_id", "person__slug", "person__name", "role")
    )


def _versions(ids: list[Any]) -> models.QuerySet:
    return (
        LanguageVersion.objects.filter(shapes.AnyOf("publication_id", ids))
        .order_by(*LanguageVersion._meta.ordering)
        .values_list(
            "publication_id", "language_id", "title", "url", "file", "is_original", "publication__slug"
        )
    )


def _relations(ids: list[Any]) -> models.QuerySet:
    return (
        PublicationRelation.objects.filter(shapes.AnyOf("source_id", ids), target__status=PUBLISHED)
        .order_by(*PublicationRelation._meta.ordering)
        .values_list("source_id", "relation_type", "target__slug", "target__title")
    )


def _language_versions(
    _row: shapes.Row, entries: shapes.Entries, context: shapes.Context
) -> list[dict[str, Any]]:
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


RELATION = shapes.Object.of(
    "Relation", type=shapes.Stored("relation_type", PublicationRelation), publication=PUBLICATION_COMPACT
)


def _series(row: shapes.Row, _entries: shapes.Entries, _context: shapes.Context) -> dict[str, Any] | None:
    return (
        None if row["series_id"] is None else shapes.SLUG_NAME.make(row["series__slug"], row["series__name"])
    )


PUBLICATION = shapes.RecordShape(
    Publication,
    api_view="publication-detail",
    web_view="reports:publication-detail",
    fields=[
        shapes.Scalar("title", description="Title in the original language."),
        shapes.Choice("type", Publication, source="publication_type", csv=("type_code", "type")),
        shapes.CodeName("document_category", description="IATI DocumentCategory code."),
        shapes.Scalar("summary", csv=False),
        shapes.ContentLanguage(),
        shapes.PartialDate("publication_date", description="First day of the date's period (see precision)."),
        shapes.Field(
            "series",
            columns=("series_id", "series__slug", "series__name"),
            json=_series,
            schema=shapes.SLUG_NAME.nullable(),
            csv=(
                shapes.Cell(
                    "series",
                    lambda row, _e: (
                        ""
                        if row["series_id"] is None
                        else shapes.labelled(row["series__name"], row["series__slug"])
                    ),
                ),
            ),
            dump=(shapes.DumpColumn("series", "string", "", lambda row, _e: row["series__name"]),),
        ),
        shapes.Scalar("document_symbol", csv=False, description="UN document symbol."),
        shapes.Many(
            "authors",
            shapes.Relation(("publication-authors",), _authors),
            json=AUTHOR,
            csv=lambda slug, name, _role: shapes.labelled(name, slug),
        ),
        PartnerRoles("organisations", PublicationOrganisation, "publication", "OrganisationRole"),
        shapes.Field(
            "language_versions",
            relation=shapes.Relation(("publication-versions",), _versions),
            json=_language_versions,
            schema=shapes.ListOf(LANGUAGE_VERSION),
            csv=(shapes.Cell("languages", lambda _row, entries: shapes.joined_cell(e[0] for e in entries)),),
        ),
        shapes.Many(
            "relations",
            shapes.Relation(("publication-relations",), _relations),
            json=lambda kind, slug, title: RELATION.make(kind, PUBLICATION_COMPACT.make(slug, title)),
            item=RELATION,
        ),
        shapes.LinkedRecord(
            "launched_at",
            EVENT_COMPACT,
            dump="launched_at_event_id",
            dump_description="The event where it was launched or adopted.",
            help="The event where the publication was launched, adopted or presented (see launch_type).",
        ),
        shapes.Scalar("launch_type", csv=False, dump=False),
        shapes.Many(
            "partnerships",
            shapes.many_to_many(Publication, "partnerships", "slug", "title", status=PUBLISHED),
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
        vocabulary(
            Publication, "themes", "slug", "name", json=shapes.SLUG_NAME, dump_description="Theme slugs."
        ),
        Sources(Publication),
    ],
)
