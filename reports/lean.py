"""Lean readers of publications (registry/lean.py): `PublicationSerializer`'s JSON and the
cells of `PUBLICATION_COLUMNS` (reports/exports.py) from `values()` rows, without model instances
or prefetches.

As in the columns: authors and organisations only when published, the event of the launch only
when published.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models

from partnerships.lean import (
    code_name,
    partner_compact,
    partner_links,
    slug_name,
    source_entries,
    sources_query,
)
from registry.lean import (
    AnyOf,
    LeanExport,
    LeanReader,
    Row,
    choice_labels,
    grouped,
    joined_cell,
    labelled,
    many_to_many_query,
    required_url,
    rows_for_ids_together,
)
from registry.workflow import Status

from .exports import PUBLICATION_COLUMNS
from .models import Authorship, LanguageVersion, Publication, PublicationOrganisation, PublicationRelation
from .uploads import publication_file_url


class PublicationExport(LeanExport):
    """`PUBLICATION_COLUMNS` and `web_url`."""

    header = (*(name for name, _ in PUBLICATION_COLUMNS), "web_url")
    web_view_name = "reports:publication-detail"
    columns = (
        "id",
        "slug",
        "title",
        "publication_type",
        "publication_date",
        "publication_date_precision",
        "series_id",
        "series__name",
        "series__slug",
        "launched_at__status",
        "launched_at__slug",
        "updated_at",
    )

    def chunk(self, rows: list[tuple]) -> Iterator[list[Any]]:
        ids = [row[0] for row in rows]
        types = choice_labels(Publication, "publication_type")
        roles = choice_labels(PublicationOrganisation, "role")
        # The reader's relation queries (compiled once, sent together), with the cells' columns.
        author_rows, organisation_rows, version_rows, sdg_rows, region_rows, theme_rows = (
            rows_for_ids_together(
                [
                    ("publication-authors", _authors),
                    ("publication-organisations", _organisations),
                    ("publication-versions", _versions),
                    many_to_many_query(Publication, "sdgs", "code", "short_title"),
                    many_to_many_query(Publication, "regions", "code", "name"),
                    many_to_many_query(Publication, "themes", "slug", "name"),
                ],
                ids,
            )
        )
        authors = grouped(author_rows, lambda slug, name, _role: labelled(name, slug))
        organisations = grouped(
            organisation_rows,
            lambda slug, name, _acronym, _country, role: f"{name} [{slug}] - {roles.get(role, role)}",
        )
        languages = grouped(version_rows, lambda language, *_version: language)
        sdgs = grouped(sdg_rows, lambda code, title: labelled(title, code))
        regions = grouped(region_rows, lambda code, name: labelled(name, code))
        themes = grouped(theme_rows, lambda slug, name: labelled(name, slug))
        web_url = required_url(self.web_url)
        for (
            pk,
            slug,
            title,
            publication_type,
            publication_date,
            precision,
            series_id,
            series_name,
            series_slug,
            launched_status,
            launched_slug,
            updated_at,
        ) in rows:
            yield [
                slug,
                title,
                publication_type,
                types.get(publication_type, publication_type),
                publication_date,
                precision,
                f"{series_name} [{series_slug}]" if series_id is not None else "",
                joined_cell(authors.get(pk)),
                joined_cell(organisations.get(pk)),
                joined_cell(languages.get(pk)),
                launched_slug if launched_status == Status.PUBLISHED else "",
                joined_cell(sdgs.get(pk)),
                joined_cell(regions.get(pk)),
                joined_cell(themes.get(pk)),
                updated_at.isoformat(),
                web_url(slug),
            ]


class PublicationReader(LeanReader):
    """`PublicationSerializer`'s JSON: drafts stay out as there (authors, organisations, related
    publications, partnerships and the launch event only when published)."""

    api_view_name = "publication-detail"
    web_view_name = "reports:publication-detail"
    columns = (
        "id",
        "slug",
        "title",
        "publication_type",
        "document_category_id",
        "document_category__name",
        "summary",
        "publication_date",
        "publication_date_precision",
        "series_id",
        "series__slug",
        "series__name",
        "document_symbol",
        "launched_at__status",
        "launched_at__slug",
        "launched_at__title",
        "launch_type",
        "published_at",
        "updated_at",
    )

    def records(self, rows: list[Row]) -> list[Row]:
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        (
            author_rows,
            organisation_rows,
            version_rows,
            relation_rows,
            partnership_rows,
            sdg_rows,
            region_rows,
            theme_rows,
            source_rows,
        ) = rows_for_ids_together(
            [
                ("publication-authors", _authors),
                ("publication-organisations", _organisations),
                ("publication-versions", _versions),
                ("publication-relations", _relations),
                many_to_many_query(Publication, "partnerships", "slug", "title", published=True),
                many_to_many_query(Publication, "sdgs", "code", "short_title"),
                many_to_many_query(Publication, "regions", "code", "name"),
                many_to_many_query(Publication, "themes", "slug", "name"),
                sources_query(Publication),
            ],
            ids,
        )
        authors = grouped(author_rows, lambda slug, name, role: {"slug": slug, "name": name, "role": role})
        organisations = grouped(
            organisation_rows,
            lambda slug, name, acronym, country, role: {
                "partner": partner_compact(slug, name, acronym, country),
                "role": role,
            },
        )
        versions = grouped(version_rows, self._version)
        relations = grouped(
            relation_rows,
            lambda kind, slug, title: {"type": kind, "publication": {"slug": slug, "title": title}},
        )
        partnerships = grouped(partnership_rows, lambda slug, title: {"slug": slug, "title": title})
        sdgs = grouped(sdg_rows, lambda code, title: {"code": code, "title": title})
        regions = grouped(region_rows, code_name)
        themes = grouped(theme_rows, slug_name)
        sources = source_entries(self, source_rows)
        api_url, web_url = self.api_url, required_url(self.web_url)
        date, datetime = self.date, self.datetime
        records = []
        for row in rows:
            pk, slug = row["id"], row["slug"]
            category, series = row["document_category_id"], row["series_id"]
            records.append(
                {
                    "slug": slug,
                    "url": api_url(slug),
                    "web_url": web_url(slug),
                    "title": row["title"],
                    "type": row["publication_type"],
                    "document_category": (
                        None if category is None else code_name(category, row["document_category__name"])
                    ),
                    "summary": row["summary"],
                    "publication_date": date(row["publication_date"]),
                    "publication_date_precision": row["publication_date_precision"],
                    "series": None if series is None else slug_name(row["series__slug"], row["series__name"]),
                    "document_symbol": row["document_symbol"],
                    "authors": authors.get(pk, []),
                    "organisations": organisations.get(pk, []),
                    "language_versions": versions.get(pk, []),
                    "relations": relations.get(pk, []),
                    "launched_at": (
                        {"slug": row["launched_at__slug"], "title": row["launched_at__title"]}
                        if row["launched_at__status"] == Status.PUBLISHED
                        else None
                    ),
                    "launch_type": row["launch_type"],
                    "partnerships": partnerships.get(pk, []),
                    "sdgs": sdgs.get(pk, []),
                    "regions": regions.get(pk, []),
                    "themes": themes.get(pk, []),
                    "sources": sources.get(pk, []),
                    "published_at": datetime(row["published_at"]),
                    "updated_at": datetime(row["updated_at"]),
                }
            )
        return records

    def _version(
        self, language: Any, title: Any, url: Any, file: Any, is_original: Any, publication_slug: Any
    ) -> Row:
        """`LanguageVersionSerializer`: the version's address, else its file's, else None."""
        if url:
            address = url
        elif file:
            address = self.request.build_absolute_uri(publication_file_url(publication_slug, file))
        else:
            address = None
        return {"language": language, "title": title, "url": address, "is_original": is_original}


def _authors(ids: list[Any]) -> models.QuerySet:
    return (
        Authorship.objects.filter(AnyOf("publication_id", ids), person__status=Status.PUBLISHED)
        .order_by(*Authorship._meta.ordering)
        .values_list("publication_id", "person__slug", "person__name", "role")
    )


_organisations = partner_links(PublicationOrganisation, "publication")


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
        PublicationRelation.objects.filter(AnyOf("source_id", ids), target__status=Status.PUBLISHED)
        .order_by(*PublicationRelation._meta.ordering)
        .values_list("source_id", "relation_type", "target__slug", "target__title")
    )
