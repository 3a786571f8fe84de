"""The facet tokens and stored counts the database writes (the triggers in
partnerships/migrations/0001_initial.py) stay current on every write path.

Each test writes one way, then checks that the facets counted from the stored tokens (and, with no
filter, from the stored counts) equal the same facets counted over the link tables.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count

from partnerships.filters import PartnershipFilter
from partnerships.models import Participation, Partner, Partnership, PartnershipFacetCount, PartnershipFacets
from registry.workflow import Status
from tests.facet_tokens import assert_tokens_current, counted
from tests.factories import ParticipationFactory, PartnerFactory, PartnershipFactory
from vocabularies.models import Country, Platform, Region

pytestmark = pytest.mark.django_db


def assert_current() -> None:
    assert_tokens_current(
        PartnershipFilter,
        Partnership.objects.published(),
        PartnershipFacets,
        PartnershipFacetCount,
        {"platform": "cities"},
    )


def tokens(partnership: Partnership) -> list[str]:
    return PartnershipFacets.objects.get(partnership=partnership).tokens


@pytest.fixture
def rich(db) -> Partnership:
    partnership = PartnershipFactory(slug="rich", activity_status_id="2")
    partnership.platforms.set(Platform.objects.filter(slug__in=["cities", "financial-sector"]))
    partnership.sdgs.set([13, 17])
    partnership.modalities.set(["triangular"])
    partnership.countries.set(["KE"])
    partnership.regions.set(["419"])
    ParticipationFactory(
        partnership=partnership, partner=PartnerFactory(country_id="NO", organisation_type_id="10")
    )
    PartnershipFactory(slug="other").platforms.set(Platform.objects.filter(slug="cities"))
    return partnership


def test_orm_writes_keep_the_tokens(rich):
    kept = tokens(rich)
    assert {
        "status:2",
        "sdg:13",
        "modality:triangular",
        "country:KE",
        "country:NO",
        "partner_type:10",
    } <= set(kept)
    assert {"region:419", "region:019", "region:001", "region:002", "region:014", "region:150"} <= set(kept)
    assert_current()
    rich.sdgs.remove(13)
    rich.countries.clear()
    assert (
        "sdg:13" not in tokens(rich) and "country:KE" not in tokens(rich) and "region:014" not in tokens(rich)
    )
    assert_current()


def test_drafts_and_draft_partners_count_nothing(rich):
    PartnershipFactory(slug="hidden", draft=True).sdgs.set([5])
    ParticipationFactory(
        partnership=rich, partner=PartnerFactory(country_id="BR", organisation_type_id="21", draft=True)
    )
    assert "country:BR" not in tokens(rich) and "partner_type:21" not in tokens(rich)
    assert_current()
    assert not any(
        row["value"] == 5 for row in counted(PartnershipFilter, Partnership.objects.published())["sdg"]
    )


def test_queryset_update_of_status_and_activity_status(rich):
    Partnership.objects.filter(slug="rich").update(status=Status.DRAFT)
    assert PartnershipFacets.objects.get(partnership=rich).published is False
    assert_current()
    Partnership.objects.filter(slug="rich").update(status=Status.PUBLISHED, activity_status_id="4")
    assert "status:4" in tokens(rich) and "status:2" not in tokens(rich)
    assert_current()


def test_partner_changes_reach_their_partnerships(rich):
    partner = Partner.objects.get(country_id="NO")
    Partner.objects.filter(pk=partner.pk).update(country_id="BR", organisation_type_id="21")
    assert {"country:BR", "region:419", "partner_type:21"} <= set(tokens(rich))
    assert "country:NO" not in tokens(rich)
    assert_current()
    Partner.objects.filter(pk=partner.pk).update(status=Status.DRAFT)
    assert "country:BR" not in tokens(rich) and "partner_type:21" not in tokens(rich)
    assert_current()


def test_participation_and_link_rows_written_in_bulk_and_raw(rich):
    partnerships = Partnership.objects.bulk_create(
        [
            Partnership(
                title=f"Bulk {i}", slug=f"bulk-{i}", status=Status.PUBLISHED, published_at=rich.published_at
            )
            for i in range(3)
        ]
    )
    through = Partnership.sdgs.through
    through.objects.bulk_create(
        [through(partnership=p, sustainabledevelopmentgoal_id=3) for p in partnerships]
    )
    partner = PartnerFactory(country_id="IN", organisation_type_id="80")
    Participation.objects.bulk_create([Participation(partnership=p, partner=partner) for p in partnerships])
    assert {"sdg:3", "country:IN", "partner_type:80"} <= set(tokens(partnerships[0]))
    assert_current()
    Participation.objects.filter(partner=partner, partnership=partnerships[0]).update(partnership=rich)
    assert "country:IN" in tokens(rich) and "country:IN" not in tokens(partnerships[0])
    assert_current()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {through._meta.db_table} WHERE sustainabledevelopmentgoal_id = 3"  # nosec B608
        )
    assert "sdg:3" not in tokens(partnerships[1])
    assert_current()


def test_sdg_targets_imply_goals_in_the_tokens(rich):
    rich.sdg_targets.add("5.1")
    assert "sdg:5" in tokens(rich)
    assert_current()


def test_vocabulary_changes_recount(rich):
    Country.objects.filter(code="KE").update(subregion_id="017")  # Middle Africa, for the test
    assert "region:017" in tokens(rich)
    assert_current()
    Region.objects.filter(code="419").update(parent_id="009")
    assert "region:009" in tokens(rich)
    assert_current()


def test_deleting_partnerships_and_participations(rich):
    rich.participations.all().delete()
    assert "country:NO" not in tokens(rich)
    assert_current()
    rich.delete()
    assert not PartnershipFacets.objects.filter(partnership_id=rich.pk).exists()
    assert_current()


def test_kept_counts_are_folded_once_they_are_many(rich):
    for _ in range(60):
        rich.platforms.clear()
        rich.platforms.set(Platform.objects.filter(slug="cities"))
        rich.sdgs.set([1, 2, 3, 4, 5, 6])
        rich.sdgs.set([13, 17])
    assert most_rows_of_a_token() <= 9
    assert_current()


def most_rows_of_a_token() -> int:
    rows = PartnershipFacetCount.objects.values("token").annotate(n=Count("id")).order_by("-n")
    return rows[0]["n"] if rows else 0


def test_a_write_folds_only_the_tokens_it_changed(rich):
    # Twenty rows that sum to nothing for a token the next write does not change.
    cities = Platform.objects.get(slug="cities")
    token = f"platform:{cities.pk}"
    PartnershipFacetCount.objects.bulk_create(
        PartnershipFacetCount(token=token, count=change) for change in [1, -1] * 10
    )
    rich.sdgs.set([13, 17, 5])
    assert PartnershipFacetCount.objects.filter(token=token).count() >= 20
    assert_current()
    # A write that changes it folds its rows into one.
    rich.platforms.remove(cities)
    assert PartnershipFacetCount.objects.filter(token=token).count() == 1
    assert_current()


def test_a_bulk_load_defers_the_tokens_and_refreshes_them_once(db):
    from django.db import transaction

    from registry.facets import refresh_tokens, tokens_deferred

    with transaction.atomic():
        with tokens_deferred():
            loaded = Partnership.objects.bulk_create(
                [PartnershipFactory.build(slug=f"bulk-{n}", status=Status.PUBLISHED) for n in range(3)]
            )
            through = Partnership.sdgs.through
            through.objects.bulk_create(
                through(partnership_id=p.pk, sustainabledevelopmentgoal_id=7) for p in loaded
            )
            # Nothing is refreshed meanwhile: the load is one refresh at its end.
            assert not PartnershipFacets.objects.filter(partnership__slug__startswith="bulk-").exists()
        assert refresh_tokens(Partnership, Partnership.objects.filter(slug__startswith="bulk-"))
    assert all("sdg:7" in tokens(p) for p in loaded)
    assert_current()
    # After the block, the triggers answer again.
    loaded[0].sdgs.add(8)
    assert "sdg:8" in tokens(loaded[0])
    assert_current()


def test_generate_data_bulk_path_keeps_the_tokens(db):
    from sscregistry.synthetic import generate

    generate(scale=0.001, seed=1, write=lambda line: None, embed=False)
    assert PartnershipFacets.objects.filter(published=True).exists()
    assert_current()
