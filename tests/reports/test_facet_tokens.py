"""Publications' facet tokens and stored counts (the triggers in reports/migrations/0001_initial.py,
from registry.facets.token_index_sql) stay current on every write path: after each kind of write
the facets counted from the tokens (and, with no filter, the stored counts) equal the same facets
counted over the tables."""

from __future__ import annotations

import datetime

import pytest

from partnerships.models import Partner
from registry.workflow import Status
from reports.filters import PublicationFilter
from reports.models import (
    LanguageVersion,
    Publication,
    PublicationFacetCount,
    PublicationFacets,
    PublicationOrganisation,
    Series,
)
from tests.facet_tokens import assert_tokens_current, counted
from tests.factories import (
    LanguageVersionFactory,
    PartnerFactory,
    PublicationFactory,
    PublicationOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def assert_current() -> None:
    assert_tokens_current(
        PublicationFilter,
        Publication.objects.published(),
        PublicationFacets,
        PublicationFacetCount,
        {"type": "report"},
    )


def tokens(publication: Publication) -> list[str]:
    return PublicationFacets.objects.get(publication=publication).tokens


@pytest.fixture
def rich(db) -> Publication:
    series = Series.objects.create(name="Series one", slug="series-one")
    publication = PublicationFactory(slug="rich", series=series)
    LanguageVersionFactory(publication=publication, language_id="en")
    LanguageVersionFactory(publication=publication, language_id="fr")
    PublicationOrganisationFactory(publication=publication, partner=PartnerFactory(slug="org"))
    PublicationFactory(slug="other", publication_date=datetime.date(2019, 1, 1))
    PublicationFactory(slug="hidden", draft=True, publication_date=datetime.date(1999, 1, 1))
    return publication


def test_save_languages_and_organisations(rich):
    partner = Partner.objects.get(slug="org")
    assert {"type:report", "year:2021", f"series:{rich.series_id}", "language:en", "language:fr"} <= set(
        tokens(rich)
    )
    assert f"partner:{partner.pk}" in tokens(rich)
    assert_current()
    rich.publication_date = datetime.date(2018, 3, 1)
    rich.save()
    assert "year:2018" in tokens(rich) and "year:2021" not in tokens(rich)
    assert_current()
    # The partner in a second role counts once.
    PublicationOrganisation.objects.create(
        publication=rich, partner=partner, role=PublicationOrganisation.Role.FUNDER
    )
    assert tokens(rich).count(f"partner:{partner.pk}") == 1
    assert_current()
    rich.language_versions.filter(language_id="fr").delete()
    assert "language:fr" not in tokens(rich)
    assert_current()
    Series.objects.all().delete()  # SET_NULL: an UPDATE of the publications
    assert not any(token.startswith("series:") for token in tokens(rich))
    assert_current()


def test_drafts_and_draft_partners_count_nothing(rich):
    years = {v["value"] for v in counted(PublicationFilter, Publication.objects.published())["year"]}
    assert 1999 not in years and 2021 in years
    draft = PartnerFactory(slug="draft-org", draft=True)
    PublicationOrganisationFactory(publication=rich, partner=draft)
    assert f"partner:{draft.pk}" not in tokens(rich)
    assert_current()
    Partner.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED, published_at=rich.published_at)
    assert f"partner:{draft.pk}" in tokens(rich)
    assert_current()
    Partner.objects.filter(pk=draft.pk).update(status=Status.DRAFT, published_at=None)
    assert f"partner:{draft.pk}" not in tokens(rich)
    assert_current()


def test_queryset_update_publish_unpublish(rich):
    Publication.objects.filter(slug="rich").update(status=Status.DRAFT)
    assert PublicationFacets.objects.get(publication=rich).published is False
    assert_current()
    Publication.objects.filter(slug="rich").update(status=Status.PUBLISHED, publication_type="strategy")
    assert "type:strategy" in tokens(rich)
    assert_current()
    hidden = Publication.objects.get(slug="hidden")
    hidden.status, hidden.published_at = Status.PUBLISHED, rich.published_at
    hidden.save()
    assert_current()
    Publication.objects.update(publication_date=None)
    assert not any(token.startswith("year:") for token in tokens(rich))
    assert_current()


def test_bulk_create_and_delete(rich):
    publications = Publication.objects.bulk_create(
        [
            Publication(
                title=f"Bulk {i}",
                slug=f"bulk-{i}",
                publication_type="report",
                publication_date=datetime.date(2010, 1, 1),
                status=Status.PUBLISHED,
                published_at=rich.published_at,
            )
            for i in range(3)
        ]
    )
    LanguageVersion.objects.bulk_create(
        [LanguageVersion(publication=p, language_id="es", title=p.title) for p in publications]
    )
    partner = PartnerFactory()
    PublicationOrganisation.objects.bulk_create(
        [PublicationOrganisation(publication=p, partner=partner, role="publisher") for p in publications]
    )
    assert {"year:2010", "language:es", f"partner:{partner.pk}"} <= set(tokens(publications[0]))
    assert_current()
    LanguageVersion.objects.filter(publication=publications[0]).update(
        publication=publications[1], language_id="ru"
    )
    assert "language:es" not in tokens(publications[0]) and "language:ru" in tokens(publications[1])
    assert_current()
    pk = rich.pk
    rich.delete()
    assert not PublicationFacets.objects.filter(publication_id=pk).exists()
    assert_current()
    Publication.objects.filter(slug__startswith="bulk").delete()
    assert_current()
