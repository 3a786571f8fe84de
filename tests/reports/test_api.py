"""The publications endpoint: language versions, relations, launch event, drafts."""

from __future__ import annotations

import pytest

from tests.factories import (
    EventFactory,
    LanguageVersionFactory,
    PersonFactory,
    PublicationFactory,
    PublicationRelationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded")
class TestSeedDocuments:
    def test_unece_strategy_has_english_and_russian_versions(self, api):
        body = api.get("/api/v1/publications/", {"language": "ru"}).json()
        assert body["count"] == 1
        publication = body["results"][0]
        assert {v["language"] for v in publication["language_versions"]} == {"en", "ru"}
        assert publication["type"] == "strategy"
        assert publication["publication_date_precision"] in {"day", "month", "year"}

    def test_norec_report_names_series_authors_organisations_and_launch(self, api):
        body = api.get("/api/v1/publications/south-south-and-triangular-cooperation-in-action-norec/").json()
        assert body["series"]["slug"] == "south-south-and-triangular-cooperation-in-action"
        assert [a["slug"] for a in body["authors"]] == ["helge-espe", "astrid-scnitzer-skjonsberg"]
        roles = {(o["partner"]["slug"], o["role"]) for o in body["organisations"]}
        assert roles == {
            ("unossc", "publisher"),
            ("unossc", "partner"),
            ("norec", "author"),
            ("norec", "subject"),
        }
        assert body["launched_at"]["slug"] == "south-south-cooperation-in-the-digital-era"
        assert body["launch_type"] == "launched"

    def test_nynorsk_news_relates_to_the_report(self, api):
        body = api.get("/api/v1/publications/lanserer-spesialrapport-om-norec-pa-bapa40/").json()
        assert body["relations"] == [
            {
                "type": "references",
                "publication": {
                    "slug": "south-south-and-triangular-cooperation-in-action-norec",
                    "title": "South-South and Triangular Cooperation in Action: Norec",
                },
            }
        ]

    def test_accent_free_search_finds_the_nynorsk_title(self, api):
        body = api.get("/api/v1/publications/", {"q": "sor-sor"}).json()
        assert [p["slug"] for p in body["results"]] == ["lanserer-spesialrapport-om-norec-pa-bapa40"]


def test_draft_relation_target_author_and_launch_event_are_hidden(api):
    publication = PublicationFactory(slug="pub", launched_at=EventFactory(draft=True))
    PublicationRelationFactory(source=publication, target=PublicationFactory(slug="draft-target", draft=True))
    publication.authorships.create(person=PersonFactory(draft=True), order=0)
    body = api.get("/api/v1/publications/pub/").json()
    assert body["relations"] == []
    assert body["authors"] == []
    assert body["launched_at"] is None
    assert api.get("/api/v1/publications/draft-target/").status_code == 404


def test_publication_list_query_count_is_constant(api, django_assert_max_num_queries):
    for _ in range(30):
        LanguageVersionFactory(publication=PublicationFactory())
    for size in (1, 20, 100):
        with django_assert_max_num_queries(15):
            assert api.get("/api/v1/publications/", {"page_size": size}).status_code == 200
