"""Facet counts and chart figures are kept until the registry's next write, and never mix states."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

FACETS = "/api/v1/partnerships/facets/"


def _partnership(sdgs: list[str], countries: list[str] = (), **fields):
    partnership = PartnershipFactory(**fields)
    partnership.sdgs.set(sdgs)
    partnership.countries.set(countries)
    return partnership


def _sdg_counts(response) -> dict[str, int]:
    return {row["value"]: row["count"] for row in response.json()["sdg"]}


@pytest.fixture
def recorded(django_capture_on_commit_callbacks):
    """Run the block as a committed write, so the registry records its time (as in production)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_counts_are_kept_until_the_next_write(api, recorded, django_assert_max_num_queries):
    with recorded():
        _partnership(["4"])
        draft = _partnership(["4"], draft=True)
    first = api.get(FACETS)
    assert _sdg_counts(first) == {4: 1}
    with django_assert_max_num_queries(2):  # the registry's last write (ETag and the kept counts)
        assert api.get(FACETS).json() == first.json()
    with recorded():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert _sdg_counts(api.get(FACETS)) == {4: 2}


def test_each_filter_and_language_has_its_own_counts(api, recorded):
    with recorded():
        _partnership(["4"], ["RW"])
        _partnership(["5"], ["NO"])
    assert _sdg_counts(api.get(FACETS)) == {4: 1, 5: 1}
    assert _sdg_counts(api.get(FACETS, {"country": "RW"})) == {4: 1}
    assert _sdg_counts(api.get(FACETS, {"country": "NO"})) == {5: 1}
    english = api.get("/partnerships/").content.decode()
    french = api.get("/fr/partnerships/").content.decode()
    assert "Quality Education" in english or "Quality education" in english
    assert "Quality Education" not in french and "Quality education" not in french


def test_the_home_page_figures_follow_a_publish(client, recorded, django_assert_max_num_queries):
    with recorded():
        PartnershipFactory(title="Kept exchange")
        draft = PartnershipFactory(title="Later exchange", draft=True)
    first = client.get("/").context["counts"]["partnerships"]
    assert first == 1
    with recorded():
        draft.status, draft.published_at = "published", timezone.now()
        draft.save()
    assert client.get("/").context["counts"]["partnerships"] == 2


def test_nothing_is_kept_when_turned_off(api, settings, recorded, django_assert_max_num_queries):
    settings.DERIVED_CACHE_SECONDS = 0
    with recorded():
        partnership = _partnership(["4"])
    assert _sdg_counts(api.get(FACETS)) == {4: 1}
    partnership.sdgs.set(["5"])  # no recorded write: only a fresh count can see it
    assert _sdg_counts(api.get(FACETS)) == {5: 1}


def test_a_long_facet_lists_its_largest_values_and_says_how_many_more(client, monkeypatch):
    from reports.views import PublicationListView
    from tests.factories import PartnerFactory, PublicationFactory, PublicationOrganisationFactory

    monkeypatch.setattr(PublicationListView, "facet_more_limit", 2)
    for n in range(12):
        partner = PartnerFactory(name=f"Org {n}")
        PublicationOrganisationFactory(publication=PublicationFactory(), partner=partner)
    page = client.get("/publications/")
    group = next(g for g in page.context["facets"] if g.name == "partner")
    assert len(group.values) == 8 and len(group.more) == 2 and group.hidden == 2
    assert "and 2 others with fewer records" in page.content.decode()
    french = client.get("/fr/publications/").content.decode()
    assert "et 2 autres avec moins de fiches" in french
