"""One search over every record type: /search/, /api/v1/search/ and /api/v1/autocomplete/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import Partner
from registry.everything import search_everything, searchable_types, suggest
from registry.workflow import Status
from reports.models import Publication
from tests.factories import PartnerFactory, PublicationFactory

pytestmark = pytest.mark.django_db


def test_every_public_record_type_is_searched():
    assert [t.section for t in searchable_types()] == ["partners", "partnerships", "events", "publications"]


@pytest.mark.usefixtures("seeded")
class TestSeed:
    """The questions a new visitor types into the home page's box, over the seed documents."""

    def test_a_publication_title_leads_with_publications(self, client):
        answer = client.get("/api/v1/search/", {"q": "Norec report"}).json()
        assert answer["types"][0]["type"] == "publications"
        assert answer["types"][0]["count"] >= 1
        first = next(r for r in answer["results"] if r["type"] == "publications")
        assert "Norec" in first["name"]
        assert first["url"].endswith(f"/api/v1/publications/{first['slug']}/")

    @pytest.mark.parametrize(
        ("query", "kind", "slug"),
        [
            ("Technical Cooperation Strategy", "publications", None),
            ("BAPA+40", "events", None),
            ("Helge Espe", "publications", "norec-report-launched-at-bapa40"),
            ("Kigali", "events", None),
            ("UNOSSC", "partners", "unossc"),
            ("WGEO", "partnerships", "unossc-wgeo-green-economy"),
        ],
    )
    def test_the_questions_of_the_seed_documents_find_their_records(self, query, kind, slug):
        groups = {g.record_type.section: g for g in search_everything(query)}
        assert groups[kind].count >= 1, query
        if slug:
            assert slug in [r.slug for r in groups[kind].records]

    def test_the_page_groups_by_type_and_links_each_search(self, client):
        response = client.get(reverse("search"), {"q": "Norec"})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="group-publications"' in page
        assert 'id="group-partners"' in page
        assert "/publications/?q=Norec" in page
        assert "/partners/?q=Norec" in page

    @pytest.mark.parametrize("prefix", ["/fr", "/es"])
    def test_the_page_speaks_the_visitors_language(self, client, prefix):
        response = client.get(f"{prefix}/search/", {"q": "Norec"})
        assert response.status_code == 200
        assert f"{prefix}/publications/?q=Norec" in response.content.decode()

    def test_the_home_page_box_searches_everything(self, client):
        page = client.get(reverse("home")).content.decode()
        assert f'action="{reverse("search")}"' in page
        assert 'data-autocomplete="/api/v1/autocomplete/"' in page

    def test_one_type_only_keeps_every_count(self, client):
        answer = client.get("/api/v1/search/", {"q": "Norec", "type": "partners"}).json()
        assert {r["type"] for r in answer["results"]} == {"partners"}
        counts = {t["type"]: t["count"] for t in answer["types"]}
        assert counts["publications"] >= 1
        assert answer["count"] == sum(counts.values())

    def test_a_typo_is_respelt_and_says_so(self, client):
        answer = client.get("/api/v1/search/", {"q": "Kigli"}).json()
        events = next(t for t in answer["types"] if t["type"] == "events")
        assert events["count"] >= 1
        assert events["mode"] == "fuzzy"
        assert events["suggestion"] == "kigali"

    def test_autocomplete_names_and_acronyms_by_their_start(self, client):
        answer = client.get("/api/v1/autocomplete/", {"q": "unos"}).json()
        assert answer["results"][0]["slug"] == "unossc"
        answer = client.get("/api/v1/autocomplete/", {"q": "Technical Coop"}).json()
        names = [r["name"] for r in answer["results"]]
        assert any(name.startswith("Technical Cooperation Strategy") for name in names), names


class TestDrafts:
    def test_drafts_are_never_found_counted_or_suggested(self, client):
        PartnerFactory(name="Zanzibar Seaweed Cooperative", status=Status.PUBLISHED)
        PartnerFactory(name="Zanzibar Secret Draft", status=Status.DRAFT)
        PublicationFactory(title="Zanzibar draft report", status=Status.DRAFT)
        answer = client.get("/api/v1/search/", {"q": "Zanzibar"}).json()
        assert answer["count"] == 1
        assert [r["name"] for r in answer["results"]] == ["Zanzibar Seaweed Cooperative"]
        suggested = client.get("/api/v1/autocomplete/", {"q": "zanz"}).json()["results"]
        assert [r["name"] for r in suggested] == ["Zanzibar Seaweed Cooperative"]
        page = client.get(reverse("search"), {"q": "Zanzibar"}).content.decode()
        assert "Secret" not in page and "draft report" not in page
        assert Partner.objects.filter(name__startswith="Zanzibar").count() == 2
        assert Publication.objects.filter(title__startswith="Zanzibar").exists()


class TestBadInput:
    @pytest.mark.parametrize("path", ["/api/v1/search/", "/api/v1/autocomplete/"])
    @pytest.mark.parametrize("query", [None, "x" * 10_000, "nul\x00byte"])
    def test_a_missing_or_huge_query_is_a_clear_400(self, client, path, query):
        response = client.get(path, {} if query is None else {"q": query})
        assert response.status_code == 400
        assert "q" in response.json()

    def test_an_unknown_type_is_a_400_naming_the_types(self, client):
        response = client.get("/api/v1/search/", {"q": "x", "type": "sdgs"})
        assert response.status_code == 400
        assert (
            "not a record type; one of: partners, partnerships, events, publications"
            in (response.json()["type"][0])
        )

    @pytest.mark.parametrize("limit", ["0", "51", "many"])
    def test_a_limit_out_of_range_is_a_400(self, client, limit):
        assert client.get("/api/v1/search/", {"q": "x", "limit": limit}).status_code == 400

    @pytest.mark.parametrize("query", ["", "   ", '"', "OR OR -", "&|!:*()", "-", "___", "x:*A & y"])
    def test_operators_alone_answer_empty_not_500(self, client, query):
        search = client.get("/api/v1/search/", {"q": query})
        assert search.status_code == 200 and isinstance(search.json()["results"], list)
        suggestions = client.get("/api/v1/autocomplete/", {"q": query})
        assert suggestions.status_code == 200
        assert len(suggestions.json()["results"]) == len(suggest(query))

    def test_the_page_says_what_is_wrong_with_a_huge_query(self, client):
        response = client.get(reverse("search"), {"q": "x" * 1000})
        assert response.status_code == 200
        assert "at most 200 characters" in response.content.decode()


def test_query_count_does_not_grow_with_the_limit(client, django_assert_max_num_queries):
    for number in range(12):
        PartnerFactory(name=f"Ubuntu Network {number}", status=Status.PUBLISHED)
        PublicationFactory(title=f"Ubuntu report {number}", status=Status.PUBLISHED)
    client.get("/api/v1/search/", {"q": "Ubuntu", "limit": "1"})  # warm the caches
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/search/", {"q": "Ubuntu", "limit": "1"})
    # Per type at most: the full-text ranking, the embeddings' check, exact names, the page and the
    # count, with the spelling's two when full text finds nothing.
    with django_assert_max_num_queries(len(one)):
        answer = client.get("/api/v1/search/", {"q": "Ubuntu", "limit": "50"}).json()
    assert len(one) <= 40
    assert answer["count"] == 24


@pytest.mark.usefixtures("seeded")
class TestInTheVisitorsLanguage:
    """The names of vocabularies in the interface languages find the records linked to them."""

    @pytest.mark.parametrize(
        "path", ["/fr/partnerships/?q=coopération sud-sud", "/es/partnerships/?q=cooperación sur-sur"]
    )
    def test_a_modality_in_french_or_spanish_finds_its_partnerships(self, client, path):
        page = client.get(path).content.decode()
        assert "Rwanda Cooperation and the Rome-based agencies" in page

    def test_the_api_finds_them_whatever_the_language(self, client):
        answer = client.get("/api/v1/partnerships/", {"q": "coopération sud-sud"}).json()
        assert answer["count"] >= 3

    @pytest.mark.parametrize("country", ["Suisse", "Suiza"])
    def test_a_french_or_spanish_country_name_finds_events_and_partners(self, country):
        groups = {g.record_type.section: g for g in search_everything(country)}
        assert groups["events"].count >= 1
        assert groups["partners"].count >= 1  # UNECE, in Geneva

    def test_an_organisation_type_in_french_finds_partners(self):
        groups = {g.record_type.section: g for g in search_everything("Gouvernement")}
        assert groups["partners"].count >= 1
