"""PublicationFilter: every filter and its error case."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict

from reports.filters import PublicationFilter
from reports.models import Publication, Series
from tests.factories import (
    EventFactory,
    LanguageVersionFactory,
    PartnerFactory,
    PublicationFactory,
    PublicationOrganisationFactory,
)

pytestmark = pytest.mark.django_db


def matching(query: str) -> list[str]:
    filterset = PublicationFilter(QueryDict(query), Publication.objects.published())
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("type=poem", "type"),
        ("language=xx", "language"),
        ("year=abc", "year"),
        ("year=20199", "year"),
        ("partner=nobody", "partner"),
        ("series=nothing", "series"),
        ("launched_at=nowhere", "launched_at"),
        ("ordering=secret", "ordering"),
    ],
)
def test_bad_values_are_errors_naming_the_parameter(db, query, parameter):
    filterset = PublicationFilter(QueryDict(query), Publication.objects.published())
    assert not filterset.is_valid()
    assert parameter in filterset.errors


def test_type_language_and_year(db):
    LanguageVersionFactory(
        publication=PublicationFactory(slug="report", publication_date=datetime.date(2019, 3, 1))
    )
    russian = PublicationFactory(
        slug="strategy", publication_type="strategy", publication_date=datetime.date(2007, 4, 1)
    )
    LanguageVersionFactory(publication=russian, language_id="ru")
    LanguageVersionFactory(publication=russian, language_id="en")
    assert matching("type=strategy") == ["strategy"]
    assert matching("language=ru") == ["strategy"]
    assert matching("language=en") == ["report", "strategy"]
    assert matching("year=2019") == ["report"]


def test_partner_series_and_launch(db):
    series = Series.objects.create(name="In Action")
    event = EventFactory(slug="launch")
    PublicationOrganisationFactory(
        publication=PublicationFactory(slug="a", series=series, launched_at=event),
        partner=PartnerFactory(slug="org"),
    )
    PublicationFactory(slug="b")
    assert matching("partner=org") == ["a"]
    assert matching(f"series={series.slug}") == ["a"]
    assert matching("launched_at=launch") == ["a"]
    EventFactory(slug="draft-launch", draft=True)
    assert not PublicationFilter(QueryDict("launched_at=draft-launch"), Publication.objects.all()).is_valid()
