"""The search document of publications (registered with the core's search)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef

from registry.search import (
    SearchDocument,
    in_own_language,
    joined,
    name_and_acronym,
    name_of,
    register_document,
)
from registry.workflow import Status


def publication_document(apps: Any) -> dict[str, list[Any]]:
    get = apps.get_model
    versions = get("reports", "LanguageVersion").objects.filter(publication=OuterRef("pk"))
    organisations = get("reports", "PublicationOrganisation").objects.filter(
        publication=OuterRef("pk"), partner__status=Status.PUBLISHED
    )
    authors = get("reports", "Authorship").objects.filter(
        publication=OuterRef("pk"), person__status=Status.PUBLISHED
    )
    themes = get("vocabularies", "Theme").objects.filter(publications=OuterRef("pk"))
    return {
        "A": [F("title"), joined(versions, F("title"))],
        "B": [
            name_of(get("reports", "Series"), "series_id"),
            joined(organisations, name_and_acronym("partner__")),
            joined(authors, F("person__name")),
            joined(themes, F("name")),
            F("document_symbol"),
        ],
        "C": [F("summary")],
    }


def versions_in_their_languages(apps: Any) -> list[Any]:
    """Each language version's title read in its language (a Russian title in Russian stems)."""
    versions = apps.get_model("reports", "LanguageVersion").objects.filter(publication=OuterRef("pk"))
    return [in_own_language(versions, "language_id", "title", "A")]


def register() -> None:
    register_document(
        SearchDocument(
            model="reports.publication",
            exact=("title", "language_versions__title"),
            weights=publication_document,
            parts={
                "reports.languageversion": "publication_id",
                "reports.publicationorganisation": "publication_id",
                "reports.authorship": "publication_id",
            },
            vocabularies={"vocabularies.theme": "themes", "reports.series": "series"},
            many_to_many=("themes",),
            quotes={"partnerships.partner": "organisations", "partnerships.person": "authors"},
            own_languages=versions_in_their_languages,
        )
    )
