"""The search module: web-search syntax, accents, stemming, linked names, typos, freshness, indexes."""

from __future__ import annotations

import pytest
from django.db import connection

from events.models import Event
from partnerships.models import Partner, PartnerName, Partnership, Person
from registry.search import SearchOutcome, plain_terms, search, search_index_update
from reports.models import Publication
from tests.factories import (
    EventFactory,
    ParticipationFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)
from vocabularies.models import Platform

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("seeded")
class TestSeedDocuments:
    """Searches over the records of the seed documents."""

    def test_partner_acronym_finds_the_partnership(self):
        assert slugs(Partnership, "WGEO") == ["unossc-wgeo-green-economy"]

    def test_partner_alternative_name_finds_the_partnership(self):
        assert slugs(Partnership, "Norsk senter for utvekslingssamarbeid") == [
            "norec-south-south-and-triangular-exchanges"
        ]

    def test_platform_theme_and_country_names_find_partnerships(self):
        assert "unossc-wgeo-green-economy" in slugs(Partnership, "Financial Sector")
        assert slugs(Partnership, "green economy") == ["unossc-wgeo-green-economy"]
        assert slugs(Partnership, "Rwanda") == ["rwanda-cooperation-rome-based-agencies"]

    def test_accents_and_case_are_ignored(self):
        assert slugs(Publication, "sor-sor") == ["lanserer-spesialrapport-om-norec-pa-bapa40"]
        assert slugs(Publication, "SØR-SØR") == ["lanserer-spesialrapport-om-norec-pa-bapa40"]

    def test_typo_falls_back_to_similar_words_and_says_so(self):
        records, outcome = search(Event.objects.published(), "Kigli")
        assert list(records.values_list("slug", flat=True)) == [
            "un-day-for-south-south-cooperation-2023-kigali"
        ]
        assert outcome == SearchOutcome("Kigli", SearchOutcome.FUZZY, "kigali")

    def test_full_text_match_is_not_fuzzy(self):
        _, outcome = search(Event.objects.published(), "Kigali")
        assert outcome.mode == SearchOutcome.FULLTEXT
        assert outcome.suggestion is None

    def test_nothing_similar_finds_nothing(self):
        records, outcome = search(Partnership.objects.published(), "zzqxj")
        assert not records.exists()
        assert outcome.suggestion is None


def slugs(model, query: str) -> list[str]:
    records, _ = search(model.objects.published(), query)
    return sorted(records.values_list("slug", flat=True))


def test_quoted_phrase_needs_the_words_together(db):
    PartnershipFactory(slug="together", title="Solar energy for rural schools")
    PartnershipFactory(slug="apart", title="Solar schools and energy for rural towns")
    assert slugs(Partnership, '"solar energy"') == ["together"]
    assert slugs(Partnership, "solar energy") == ["apart", "together"]


def test_or_finds_either_word(db):
    PartnershipFactory(slug="fish", title="Fisheries cooperation")
    PartnershipFactory(slug="rice", title="Rice cultivation exchange")
    PartnershipFactory(slug="other", title="Tourism")
    assert slugs(Partnership, "fisheries OR rice") == ["fish", "rice"]


def test_minus_excludes_a_word(db):
    PartnershipFactory(slug="with", title="Health cooperation with Cuba")
    PartnershipFactory(slug="without", title="Health cooperation with Brazil")
    assert slugs(Partnership, "health -cuba") == ["without"]


def test_english_words_are_stemmed(db):
    PartnershipFactory(slug="stem", title="Cooperating cities")
    assert slugs(Partnership, "cooperation city") == ["stem"]


def test_hyphenated_words_match_without_hyphen(db):
    PartnershipFactory(slug="hyphen", title="South-South knowledge exchange")
    assert slugs(Partnership, "south south") == ["hyphen"]


def test_relevance_puts_title_matches_first(db):
    PartnershipFactory(slug="in-description", title="Exchange", description="Includes some irrigation.")
    PartnershipFactory(slug="in-title", title="Irrigation for farmers")
    records, _ = search(Partnership.objects.published(), "irrigation")
    assert [r.slug for r in records.order_by("-search_rank")] == ["in-title", "in-description"]


def test_editing_a_partner_acronym_updates_partnership_results(db):
    partner = PartnerFactory(name="Agency for Cooperation", acronym="AFC")
    ParticipationFactory(partnership=PartnershipFactory(slug="linked"), partner=partner)
    assert slugs(Partnership, "AFC") == ["linked"]
    partner.acronym = "XYZA"
    partner.save()
    assert slugs(Partnership, "AFC") == []
    assert slugs(Partnership, "XYZA") == ["linked"]


def test_adding_an_alternative_name_updates_partnership_results(db):
    partner = PartnerFactory()
    ParticipationFactory(partnership=PartnershipFactory(slug="linked"), partner=partner)
    PartnerName.objects.create(partner=partner, name="Agence de coopération")
    assert slugs(Partnership, "agence cooperation") == ["linked"]


def test_many_to_many_changes_update_the_document(db):
    partnership = PartnershipFactory(slug="linked")
    cities = Platform.objects.get(slug="cities")
    partnership.platforms.add(cities)
    assert slugs(Partnership, "cities") == ["linked"]
    partnership.platforms.remove(cities)
    assert slugs(Partnership, "cities") == []
    cities.partnerships.add(partnership)  # the reverse side too
    assert slugs(Partnership, "cities") == ["linked"]


def test_renaming_a_platform_updates_its_partnerships(db):
    partnership = PartnershipFactory(slug="linked")
    platform = Platform.objects.get(slug="cities")
    partnership.platforms.add(platform)
    platform.name = "Municipalities"
    platform.save()
    assert slugs(Partnership, "municipalities") == ["linked"]


def test_draft_partner_names_are_not_searchable(db):
    draft = PartnerFactory(name="Secretive Foundation", draft=True)
    ParticipationFactory(partnership=PartnershipFactory(slug="public"), partner=draft)
    assert slugs(Partnership, "secretive") == []
    assert slugs(Partner, "secretive") == []
    draft.status = "published"
    draft.published_at = draft.created_at
    draft.save()
    assert slugs(Partnership, "secretive") == ["public"]


def test_draft_records_are_never_found(db):
    PartnershipFactory(title="Hidden lighthouse", draft=True)
    EventFactory(title="Hidden lighthouse", draft=True)
    PublicationFactory(title="Hidden lighthouse", draft=True)
    for model in (Partnership, Event, Publication):
        assert slugs(model, "lighthouse") == []
        assert slugs(model, "lighthuose") == []


def test_plain_terms_drop_operators_and_exclusions():
    assert plain_terms('"green economy" OR kigali -norec') == ["green", "economy", "kigali"]


@pytest.fixture
def many_partnerships(db):
    # bulk_create skips the signals, so the search documents are written once afterwards.
    Partnership.objects.bulk_create(
        PartnershipFactory.build(
            slug=f"bulk-{n}", description="Ordinary words about cooperation and exchanges"
        )
        for n in range(3000)
    )
    PartnershipFactory(slug="needle", title="Mangrove restoration")
    search_index_update(Partnership)
    with connection.cursor() as cursor:
        # Steady state, as autovacuum leaves it: GIN pending lists merged, statistics fresh.
        cursor.execute("SELECT gin_clean_pending_list('partnership_search_vector'::regclass)")
        cursor.execute("ANALYZE partnerships_partnership")


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_full_text_search_uses_the_gin_index(many_partnerships):
    records, _ = search(Partnership.objects.published(), "mangrove")
    plan = _plan(records)
    assert "partnership_search_vector" in plan
    assert "Seq Scan on partnerships_partnership" not in plan


def test_typo_search_respells_from_the_vocabulary_through_indexes(many_partnerships):
    """A misspelt word is matched against the vocabulary of words (trigram index on short words),
    then the corrected query runs as full text: never a similarity scan over whole documents."""
    from registry.models import SearchWord
    from registry.search import _closest_words

    records, outcome = search(Partnership.objects.published(), "mangrov restorashun")
    assert outcome == SearchOutcome("mangrov restorashun", SearchOutcome.FUZZY, "mangrove restoration")
    assert list(records.values_list("slug", flat=True)) == ["needle"]
    plan = _plan(records)
    assert "partnership_search_vector" in plan
    assert "Seq Scan on partnerships_partnership" not in plan
    assert _closest_words("restorashun")[0] == "restoration"
    assert SearchWord.objects.filter(word="restoration").exists()


def test_a_suggestion_never_comes_from_a_draft_alone(db):
    PartnershipFactory(title="Confidential heliostat negotiation", draft=True)
    PartnershipFactory(title="Solar cooking exchange")
    records, outcome = search(Partnership.objects.published(), "heliostatt")
    assert not records.exists()
    assert outcome.suggestion is None


def test_rewriting_search_documents_is_neither_an_edit_nor_history(db):
    partner = PartnerFactory(name="Agency", acronym="AGY")
    partnership = PartnershipFactory(slug="linked")
    ParticipationFactory(partnership=partnership, partner=partner)
    partnership.refresh_from_db()
    version, entries = partnership.version, partnership.history.count()
    partner.acronym = "AGZ"
    partner.save()  # rewrites the partnership's search document
    partnership.refresh_from_db()
    assert slugs(Partnership, "AGZ") == ["linked"]
    assert partnership.version == version
    assert partnership.history.count() == entries


def test_public_lists_read_their_order_from_an_index(many_partnerships):
    """The first page of a list, and the newest first for feeds, stop after a page of rows."""
    published = Partnership.objects.published()
    for queryset, index in [
        (published.order_by(*Partnership._meta.ordering)[:20], "partnership_public_order"),
        (published.order_by("-published_at", "-id")[:20], "partnership_newest"),
    ]:
        plan = _plan(queryset)
        assert index in plan, plan
        assert "Sort" not in plan.split(index)[0], plan  # no sort above the index scan


def test_the_people_list_reads_its_order_from_an_index(db):
    PersonFactory.create_batch(5, affiliation=PartnerFactory())
    # The API's page query: the affiliation's columns come from a join.
    page = Person.objects.published().values("slug", "affiliation__name").order_by(*Person._meta.ordering)
    plan = _plan(page[:20])
    assert "person_public_order" in plan, plan
    assert "Sort" not in plan.split("person_public_order")[0], plan
