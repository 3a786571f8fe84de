"""PartnershipFilter and PartnerFilter, used directly as the web pages will use them."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict

from partnerships.filters import PartnerFilter, PartnershipFilter
from partnerships.models import Partner, Partnership
from tests.factories import ParticipationFactory, PartnerFactory, PartnershipFactory
from vocabularies.models import Country, Platform

pytestmark = pytest.mark.django_db


def matching(query: str, filterset=PartnershipFilter, model=Partnership) -> list[str]:
    filterset = filterset(QueryDict(query), model.objects.published())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("slug", flat=True))


def errors(query: str, filterset=PartnershipFilter, model=Partnership) -> dict:
    filterset = filterset(QueryDict(query), model.objects.published())
    assert not filterset.is_valid()
    return filterset.errors


def with_platforms(slug: str, *platforms: str) -> Partnership:
    partnership = PartnershipFactory(slug=slug)
    partnership.platforms.set(Platform.objects.filter(slug__in=platforms))
    return partnership


def test_platform_repeated_means_or(db):
    with_platforms("a", "cities")
    with_platforms("b", "academia-and-youth")
    with_platforms("c", "financial-sector")
    with_platforms("both", "cities", "academia-and-youth")
    assert matching("platform=cities") == ["a", "both"]
    assert matching("platform=cities&platform=academia-and-youth") == ["a", "b", "both"]


def test_different_parameters_combine_with_and(db):
    with_platforms("a", "cities").sdgs.set([17])
    with_platforms("b", "cities").sdgs.set([1])
    assert matching("platform=cities&sdg=17") == ["a"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("platform=nowhere", "platform"),
        ("modality=telepathy", "modality"),
        ("status=99", "status"),
        ("sdg=18", "sdg"),
        ("sdg=abc", "sdg"),
        ("target=17.99", "target"),
        ("country=XX", "country"),
        ("region=999", "region"),
        ("partner=nobody", "partner"),
        ("partner_type=77", "partner_type"),
        ("role=boss", "role"),
        ("started_after=2020-13-01", "started_after"),
        ("started_before=yesterday", "started_before"),
        ("active_on=2020-02-30", "active_on"),
        ("ordering=secret", "ordering"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_values_are_errors_naming_the_parameter(db, query, parameter):
    assert parameter in errors(query)


def test_an_empty_value_filters_nothing(db):
    """`?country=` is a form's "any" choice, as an empty `q` or date already was."""
    with_platforms("a", "cities").sdgs.set([17])
    with_platforms("b", "academia-and-youth")
    assert matching("country=&sdg=&platform=&partner=&started_after=&q=") == ["a", "b"]
    assert matching("platform=&platform=cities") == ["a"]
    assert matching("country=", PartnerFilter, Partner) == matching("", PartnerFilter, Partner)
    # So is an empty ordering item (`ordering=,` reached order_by("") and answered 500).
    assert matching("ordering=,") == ["a", "b"]
    Partnership.objects.filter(slug="a").update(title="Alpha")
    Partnership.objects.filter(slug="b").update(title="Beta")
    ordered = PartnershipFilter(QueryDict("ordering=,-title,"), Partnership.objects.published())
    assert ordered.is_valid() and [p.slug for p in ordered.qs] == ["b", "a"]


def test_modality_and_status(db):
    PartnershipFactory(slug="tri", activity_status_id="2").modalities.set(["triangular"])
    PartnershipFactory(slug="ss", activity_status_id="4").modalities.set(["south_south"])
    assert matching("modality=triangular") == ["tri"]
    assert matching("status=4") == ["ss"]
    assert matching("status=2&status=4") == ["ss", "tri"]


def test_sdg_target(db):
    PartnershipFactory(slug="t").sdg_targets.set(["17.6"])
    PartnershipFactory(slug="other").sdg_targets.set(["1.1"])
    assert matching("target=17.6") == ["t"]


def test_country_covers_countries_and_partner_headquarters(db):
    PartnershipFactory(slug="covers").countries.set(["RW"])
    ParticipationFactory(
        partnership=PartnershipFactory(slug="based"), partner=PartnerFactory(country_id="RW")
    )
    draft_partner = PartnerFactory(country_id="RW", draft=True)
    ParticipationFactory(partnership=PartnershipFactory(slug="draft-based"), partner=draft_partner)
    PartnershipFactory(slug="elsewhere").countries.set(["NO"])
    assert matching("country=RW") == ["based", "covers"]
    assert matching("country=RW&country=NO") == ["based", "covers", "elsewhere"]


def test_region_includes_sub_regions_and_countries_in_it(db):
    PartnershipFactory(slug="africa").regions.set(["002"])
    PartnershipFactory(slug="east-africa").regions.set(["014"])
    PartnershipFactory(slug="rwanda").countries.set(["RW"])
    ParticipationFactory(
        partnership=PartnershipFactory(slug="kenyan-partner"), partner=PartnerFactory(country_id="KE")
    )
    PartnershipFactory(slug="asia").regions.set(["142"])
    assert matching("region=002") == ["africa", "east-africa", "kenyan-partner", "rwanda"]
    assert matching("region=202") == ["east-africa", "kenyan-partner", "rwanda"]
    assert "asia" in matching("region=001")


def test_partner_and_role(db):
    agency = PartnerFactory(slug="agency")
    other = PartnerFactory(slug="other")
    ParticipationFactory(
        partnership=PartnershipFactory(slug="pivotal"), partner=agency, triangular_role="pivotal"
    )
    shared = PartnershipFactory(slug="funded")
    ParticipationFactory(partnership=shared, partner=agency, role_id="1")
    ParticipationFactory(partnership=shared, partner=other, triangular_role="pivotal")
    assert matching("partner=agency") == ["funded", "pivotal"]
    assert matching("partner=agency&role=pivotal") == ["pivotal"]
    assert matching("partner=agency&role=1") == ["funded"]
    assert matching("role=pivotal") == ["funded", "pivotal"]
    assert matching("partner=other&role=1") == []


def test_partner_type_counts_only_published_partners(db):
    ParticipationFactory(
        partnership=PartnershipFactory(slug="gov"), partner=PartnerFactory(organisation_type_id="10")
    )
    ParticipationFactory(
        partnership=PartnershipFactory(slug="hidden-gov"),
        partner=PartnerFactory(organisation_type_id="10", draft=True),
    )
    assert matching("partner_type=10") == ["gov"]


def test_dates(db):
    PartnershipFactory(slug="old", start_date=datetime.date(2001, 1, 1), end_date=datetime.date(2005, 1, 1))
    PartnershipFactory(slug="new", start_date=datetime.date(2018, 2, 19))
    PartnershipFactory(slug="undated", start_date=None)
    assert matching("started_after=2018-02-19") == ["new"]
    assert matching("started_before=2018-02-18") == ["old"]
    assert matching("active_on=2003-06-01") == ["old", "undated"]
    assert matching("active_on=2019-01-01") == ["new", "undated"]


def test_q_ranks_by_relevance_unless_ordering_is_given(db):
    PartnershipFactory(slug="b-weak", title="Bananas", description="and some irrigation")
    PartnershipFactory(slug="a-strong", title="Irrigation irrigation")
    filterset = PartnershipFilter(QueryDict("q=irrigation"), Partnership.objects.published())
    assert [p.slug for p in filterset.qs] == ["a-strong", "b-weak"]
    filterset = PartnershipFilter(QueryDict("q=irrigation&ordering=title"), Partnership.objects.published())
    assert [p.slug for p in filterset.qs] == ["b-weak", "a-strong"]


def test_typo_search_respects_the_other_filters(db):
    PartnershipFactory(slug="kigali-cities", title="Kigali").platforms.set(
        Platform.objects.filter(slug="cities")
    )
    PartnershipFactory(slug="kigali", title="Kigali")
    filterset = PartnershipFilter(QueryDict("q=Kigli&platform=cities"), Partnership.objects.published())
    assert [p.slug for p in filterset.qs] == ["kigali-cities"]
    assert filterset.search.mode == "fuzzy"


def test_partner_filters(db):
    PartnerFactory(slug="rw-gov", organisation_type_id="10", country_id="RW")
    PartnerFactory(slug="no-gov", organisation_type_id="10", country_id="NO")
    PartnerFactory(slug="multi", organisation_type_id="40", country_id="US")
    assert matching("type=10", PartnerFilter, Partner) == ["no-gov", "rw-gov"]
    assert matching("country=NO", PartnerFilter, Partner) == ["no-gov"]
    assert matching("region=202", PartnerFilter, Partner) == ["rw-gov"]
    assert Country.objects.get(code="RW").global_south
    assert matching("global_south=true", PartnerFilter, Partner) == ["rw-gov"]
    assert "type" in errors("type=nope", PartnerFilter, Partner)
    assert "global_south" in errors("global_south=maybe", PartnerFilter, Partner)


def test_people_filter_by_affiliation_slug(db):
    from partnerships.filters import PersonFilter
    from partnerships.models import Person
    from tests.factories import PersonFactory

    PersonFactory(slug="staff", affiliation=PartnerFactory(slug="agency"))
    PersonFactory(slug="independent")
    assert matching("affiliation=agency", PersonFilter, Person) == ["staff"]
    assert matching("q=staff", PersonFilter, Person) == []
    assert "affiliation" in errors("affiliation=nobody", PersonFilter, Person)


def test_the_api_builds_only_the_named_filters(db, api):
    """The API's lists narrow the FilterSet to the filters named (registry/rest.py `narrowed`):
    the same answers, errors and combined filters as the whole FilterSet."""
    from registry.rest import narrowed

    only_sdg = narrowed(PartnershipFilter, frozenset({"sdg", "q"}))
    assert set(only_sdg.base_filters) == {"sdg", "q"} and issubclass(only_sdg, PartnershipFilter)
    assert narrowed(PartnershipFilter, frozenset({"q", "sdg"})) is only_sdg  # built once
    assert len(PartnershipFilter.base_filters) > 10  # the class itself keeps every filter

    agency, other = PartnerFactory(slug="agency"), PartnerFactory(slug="other")
    ParticipationFactory(
        partnership=PartnershipFactory(slug="pivotal"), partner=agency, triangular_role="pivotal"
    )
    shared = PartnershipFactory(slug="funded")
    ParticipationFactory(partnership=shared, partner=agency, role_id="1")
    ParticipationFactory(partnership=shared, partner=other, triangular_role="pivotal")

    def slugs(query: str) -> list[str]:
        response = api.get(f"/api/v1/partnerships/?{query}")
        assert response.status_code == 200, response.content
        return sorted(record["slug"] for record in response.json()["results"])

    for query in (
        "partner=agency&role=pivotal",
        "partner=agency&role=1",
        "role=pivotal",
        "partner=other&role=1",
    ):
        assert slugs(query) == matching(query), query
    assert slugs("role=pivotal&page_size=5") == ["funded", "pivotal"]
    assert api.get("/api/v1/partnerships/?role=pivotal&unknown=1").status_code == 400
    response = api.get("/api/v1/partnerships/?role=boss&sdg=4")
    assert response.status_code == 400 and set(response.json()) == {"role"}
