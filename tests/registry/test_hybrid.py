"""Search across languages (registry/search.py): each record's own language's stemming, its
translations, and the records nearest in meaning fused with full text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from events.models import Event
from partnerships.models import Partner, Partnership
from registry.search import SearchOutcome, order_by_relevance, search, text_search_config
from registry.tasks import embed_records
from registry.workflow import Status
from reports.models import LanguageVersion, Publication
from tests.factories import PartnerFactory, PartnershipFactory, PublicationFactory

pytestmark = pytest.mark.django_db

LABELS = ("partnerships.partnership", "partnerships.partner", "events.event", "reports.publication")


def slugs(model, query, **options):
    found, _outcome = search(model.objects.published(), query, **options)
    return list(order_by_relevance(found).values_list("slug", flat=True))


@pytest.fixture
def embedded(seeded):
    for label in LABELS:
        embed_records.call(label)


class TestLanguageAwareFullText:
    def test_a_french_record_is_stemmed_in_french(self):
        PartnershipFactory(slug="fr", title="Développer l'irrigation au Sahel", language="fr")
        PartnershipFactory(slug="en", title="Developing irrigation in the Sahel", language="en")
        # French stemming meets "développement" and "développer"; English stemming does not.
        assert slugs(Partnership, "développement", retrieval=SearchOutcome.FULLTEXT) == ["fr"]

    def test_a_russian_record_is_stemmed_in_russian(self):
        PartnershipFactory(slug="ru", title="Стратегии технического сотрудничества", language="ru")
        assert slugs(Partnership, "стратегия", retrieval=SearchOutcome.FULLTEXT) == ["ru"]

    def test_every_language_has_a_configuration(self):
        assert text_search_config("en") == "sscregistry"
        assert text_search_config("fr") == "sscregistry_french"
        assert text_search_config("nn") == "sscregistry_norwegian"
        assert text_search_config("zh") == "sscregistry_simple"

    def test_translations_are_searched_in_their_language(self):
        PartnershipFactory(
            slug="drip",
            title="Drip irrigation for smallholders",
            translations={"es": {"title": "Riego por goteo para pequeños productores"}},
        )
        assert slugs(Partnership, "riego goteo", retrieval=SearchOutcome.FULLTEXT) == ["drip"]
        assert slugs(Partnership, "productor", retrieval=SearchOutcome.FULLTEXT) == ["drip"]

    def test_a_publications_language_versions_are_stemmed_in_their_languages(self):
        publication = PublicationFactory(slug="tcs", title="UNECE annual report", language="en")
        LanguageVersion.objects.create(
            publication=publication, language_id="ru", title="Стратегия технического сотрудничества"
        )

        def found(query: str) -> list[str]:
            records, outcome = search(
                Publication.objects.published(), query, retrieval=SearchOutcome.FULLTEXT
            )
            # Found by full text itself, not by a respelling of the query.
            assert outcome.mode == SearchOutcome.FULLTEXT and outcome.suggestion is None
            return list(records.values_list("slug", flat=True))

        # Russian stems meet "сотрудничеству" and "сотрудничества"; English ones (whose reading the
        # version's title also has) do not.
        assert found("сотрудничеству") == ["tcs"]
        # A version written later is indexed too (a part's save rewrites the document).
        LanguageVersion.objects.create(publication=publication, language_id="uk", title="Річний звіт")
        assert found("звіт") == ["tcs"]

    def test_an_excluded_word_is_excluded_in_every_language(self):
        PartnershipFactory(slug="with", title="Coopération sanitaire avec Cuba", language="fr")
        PartnershipFactory(slug="without", title="Coopération sanitaire avec le Brésil", language="fr")
        assert slugs(Partnership, "sanitaire -cuba", retrieval=SearchOutcome.FULLTEXT) == ["without"]

    @pytest.mark.usefixtures("seeded")
    @pytest.mark.parametrize("query", ["BAPA+40", "BAPA 40", "bapa 40"])
    def test_bapa_40_is_found_however_it_is_written(self, query):
        assert "bapa40" in slugs(Event, query, retrieval=SearchOutcome.FULLTEXT)


class TestTranslationsAreChecked:
    @pytest.mark.parametrize(
        "value",
        [
            ["fr"],
            {"french": {"title": "x"}},
            {"fr": "Titre"},
            {"fr": {}},
            {"fr": {"objective": "x"}},
            {"fr": {"title": ""}},
            {"fr": {"title": "x" * 401}},
            {"fr": {"title": "bell\x07"}},
        ],
    )
    def test_bad_translations_are_refused_on_every_path(self, value):
        partnership = PartnershipFactory.build(translations=value)
        with pytest.raises(ValidationError) as refused:
            partnership.full_clean()
        assert "translations" in refused.value.message_dict

    def test_a_bad_language_is_refused(self):
        with pytest.raises(ValidationError) as refused:
            PartnershipFactory.build(language="French").full_clean()
        assert "language" in refused.value.message_dict

    def test_the_api_answers_400_with_the_field(self, curator_api):
        answer = curator_api.post(
            "/api/v1/partnerships/",
            {"title": "Translated", "translations": {"fr": {"colour": "bleu"}}},
            format="json",
        )
        assert answer.status_code == 400
        assert "translations" in answer.json()


class TestTheVisitorsLanguage:
    def test_a_record_shows_its_title_in_the_visitors_language_when_it_has_one(self):
        partnership = PartnershipFactory(
            title="Drip irrigation", translations={"fr": {"title": "Irrigation au goutte-à-goutte"}}
        )
        assert partnership.translated("title", "fr") == "Irrigation au goutte-à-goutte"
        assert partnership.translated("title", "es") == "Drip irrigation"
        assert partnership.translated("title", "en") == "Drip irrigation"


@pytest.mark.usefixtures("embedded")
class TestHybrid:
    def test_a_query_in_another_language_finds_the_record_by_meaning(self):
        found, outcome = search(Partnership.objects.published(), "économie verte durable")
        assert "unossc-wgeo-green-economy" in list(order_by_relevance(found).values_list("slug", flat=True))
        assert SearchOutcome.VECTOR in outcome.modes

    def test_the_api_says_which_modes_answered(self, client):
        answer = client.get("/api/v1/partnerships/", {"q": "économie verte"}).json()
        assert "vector" in answer["search"]["modes"]

    def test_a_query_about_nothing_here_adds_nothing_by_meaning(self):
        for model in (Partnership, Partner, Event):
            found, outcome = search(model.objects.published(), "Taylor Swift concert tickets")
            assert found.count() == 0 and SearchOutcome.VECTOR not in outcome.modes

    @pytest.mark.parametrize(
        ("query", "slug"), [("WGEO", "wgeo"), ("FAO", "fao"), ("XM-DAC-41301", "fao"), ("UNOSSC", "unossc")]
    )
    def test_an_exact_acronym_or_identifier_ranks_its_partner_first(self, query, slug):
        assert slugs(Partner, query)[0] == slug

    def test_a_draft_is_never_found_by_meaning(self):
        draft = PartnershipFactory(
            slug="draft", title="Green economy platform for cities", status=Status.DRAFT, language="en"
        )
        embed_records.call("partnerships.partnership", [draft.pk])
        assert "draft" not in slugs(Partnership, "économie verte des villes")

    def test_a_record_not_embedded_yet_is_still_found_by_full_text(self):
        PartnershipFactory(slug="fresh", title="Mangrove restoration exchange", status=Status.PUBLISHED)
        assert slugs(Partnership, "mangrove") == ["fresh"]

    def test_fusion_never_drops_a_full_text_match(self):
        PartnerFactory(slug="bamboo", name="Bamboo Network", status=Status.PUBLISHED)
        assert "bamboo" in slugs(Partner, "bamboo")

    def test_facets_count_the_records_found_by_meaning_as_the_list_does(self, client):
        query = {"q": "économie verte durable"}
        listed = client.get("/api/v1/partnerships/", query).json()
        assert "vector" in listed["search"]["modes"]
        facets = client.get("/api/v1/partnerships/facets/", query).json()
        assert facets["country"]
        for value in facets["country"]:
            narrowed = client.get("/api/v1/partnerships/", query | {"country": value["value"]}).json()
            assert narrowed["count"] == value["count"], value

    def test_an_excluded_word_excludes_records_found_by_meaning_too(self):
        assert "unossc-wgeo-green-economy" in slugs(Partnership, "économie verte durable")
        assert "unossc-wgeo-green-economy" not in slugs(Partnership, "économie verte durable -WGEO")

    def test_a_failing_encoder_leaves_search_to_full_text(self, settings):
        from registry import embeddings

        def broken(kind, texts):
            raise RuntimeError("model file damaged")

        embeddings.register_encoder("broken", broken)
        settings.SEARCH_EMBEDDING_MODEL = "broken"
        embeddings.query_vector.cache_clear()
        found, outcome = search(Partnership.objects.published(), "green economy")
        assert "unossc-wgeo-green-economy" in list(found.values_list("slug", flat=True))
        assert SearchOutcome.VECTOR not in outcome.modes

    def test_api_details_list_similar_published_records(self, client):
        detail = client.get("/api/v1/publications/norec-report-launched-at-bapa40/").json()
        assert detail["similar"]
        assert {"slug", "name", "url", "web_url"} == set(detail["similar"][0])
        assert all(item["slug"] != "norec-report-launched-at-bapa40" for item in detail["similar"])


class TestPagesInTheVisitorsLanguage:
    def test_a_translated_title_is_shown_to_visitors_of_that_language(self, client):
        PartnershipFactory(
            slug="drip",
            title="Drip irrigation for smallholders",
            status=Status.PUBLISHED,
            translations={
                "fr": {"title": "Irrigation au goutte-à-goutte", "summary": "Pour les petits exploitants."}
            },
        )
        french = client.get("/fr/partnerships/drip/").content.decode()
        assert '<h1 lang="fr">Irrigation au goutte-à-goutte</h1>' in french
        assert "Pour les petits exploitants." in french
        english = client.get("/partnerships/drip/").content.decode()
        assert '<h1 lang="en">Drip irrigation for smallholders</h1>' in english
        listed = client.get("/fr/partnerships/").content.decode()
        assert "Irrigation au goutte-à-goutte" in listed

    @pytest.mark.parametrize("path", ["/fr/data/", "/es/data/", "/data/"])
    def test_the_open_data_page_answers_in_every_language(self, client, path):
        page = client.get(path)
        assert page.status_code == 200
        assert f'lang="{path.split("/")[1] or "en"}"' in page.content.decode() or path == "/data/"


class TestSustainableDevelopmentGoalsInFrenchAndSpanish:
    def test_the_api_gives_the_official_texts_with_their_source(self, client):
        goal = client.get("/api/v1/sdgs/2/").json()
        assert goal["title_fr"].startswith("Éliminer la faim")
        assert goal["title_es"].startswith("Poner fin al hambre")
        assert "A/RES/70/1" in goal["titles_source"]
        target = next(t for t in goal["targets"] if t["code"] == "2.1")
        assert target["title_fr"].startswith("D’ici à 2030")
        assert target["title_es"] == ""  # none kept yet: Spanish pages show the English text

    def test_a_partnership_page_shows_its_targets_in_the_visitors_language(self, client):
        partnership = PartnershipFactory(slug="food", title="Food security", status=Status.PUBLISHED)
        partnership.sdgs.add(2)
        partnership.sdg_targets.add("2.1")
        french = client.get("/fr/partnerships/food/").content.decode()
        assert 'lang="fr">2.1</abbr>' in french
        spanish = client.get("/es/partnerships/food/").content.decode()
        assert 'lang="en">2.1</abbr>' in spanish
        assert "Poner fin al hambre" in spanish
