"""The lean CSV export of publications (sscregistry/lean.py): the cells of `PUBLICATION_COLUMNS`
(reports/exports.py) from `values_list()` rows, without model instances or prefetches.

As in the columns: authors and organisations only when published, the event of the launch only
when published.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from partnerships.base import Status
from sscregistry.lean import (
    AnyOf,
    LeanExport,
    choice_labels,
    grouped,
    joined_cell,
    labelled,
    many_to_many,
    required_url,
)

from .exports import PUBLICATION_COLUMNS
from .models import Authorship, LanguageVersion, Publication, PublicationOrganisation


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
        authors = grouped(
            Authorship.objects.filter(AnyOf("publication_id", ids), person__status=Status.PUBLISHED)
            .order_by(*Authorship._meta.ordering)
            .values_list("publication_id", "person__name", "person__slug"),
            labelled,
        )
        organisations = grouped(
            PublicationOrganisation.objects.filter(
                AnyOf("publication_id", ids), partner__status=Status.PUBLISHED
            )
            .order_by(*PublicationOrganisation._meta.ordering)
            .values_list("publication_id", "partner__name", "partner__slug", "role"),
            lambda name, slug, role: f"{name} [{slug}] - {roles.get(role, role)}",
        )
        languages = grouped(
            LanguageVersion.objects.filter(AnyOf("publication_id", ids))
            .order_by(*LanguageVersion._meta.ordering)
            .values_list("publication_id", "language_id"),
            str,
        )
        sdgs = grouped(many_to_many(Publication, "sdgs", ids, "short_title", "code"), labelled)
        regions = grouped(many_to_many(Publication, "regions", ids, "name", "code"), labelled)
        themes = grouped(many_to_many(Publication, "themes", ids, "name", "slug"), labelled)
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
