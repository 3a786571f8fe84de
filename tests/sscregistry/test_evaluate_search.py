"""The search evaluation (manage.py evaluate_search) on the committed gold set: CI fails when search
falls below the issue's targets, and the registry it measures is left as it was."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partnerships.models import Partner
from sscregistry import evaluation


@pytest.mark.django_db
def test_search_meets_its_targets_and_leaves_the_registry_as_it_was():
    before = Partner.objects.count()
    output = io.StringIO()
    call_command("evaluate_search", "--check", stdout=output)
    text = output.getvalue()
    print(text)  # the figures, with pytest -s
    assert "Every target is met." in text
    # One row per language of the gold set, with the three modes' figures.
    for language in ("en", "fr", "es", "pt", "ru", "ar", "nb"):
        assert f"language:{language}" in text
    assert "fulltext R@10" in text and "vector R@10" in text and "hybrid R@10" in text
    assert Partner.objects.count() == before


def test_the_gold_set_is_as_large_and_varied_as_promised():
    queries = evaluation.read_queries()
    rated = [q for q in queries if q.kind != evaluation.UNRELATED]
    assert len(rated) >= 150
    languages = {q.language for q in rated}
    assert {"en", "fr", "es", "pt", "ru", "ar", "nb"} <= languages
    assert sum(q.kind == "cross-language" for q in rated) >= 70
    import json

    records = json.loads(evaluation.RECORDS.read_text(encoding="utf-8"))
    assert sum(len(records[key]) for key in ("partners", "events", "partnerships", "publications")) >= 200


def test_failures_are_named():
    low = evaluation.Evaluation(
        {
            ("kind:cross-language", "hybrid"): evaluation.Score(count=10, hits=5, reciprocal=5.0),
            ("kind:acronym", "hybrid"): evaluation.Score(count=2, hits=2, reciprocal=1.5),
            ("language:en", "hybrid"): evaluation.Score(count=4, hits=3, reciprocal=3.0),
            ("language:en", "fulltext"): evaluation.Score(count=4, hits=4, reciprocal=4.0),
        },
        [],
        [],
    )
    failed = low.failures()
    assert len(failed) == 3
    assert "cross-language" in failed[0] and "0.500" in failed[0]
    assert "acronym" in failed[1] and "0.750" in failed[1]
    assert "English" in failed[2]


@pytest.mark.django_db
def test_check_exits_with_an_error_below_the_targets(monkeypatch):
    monkeypatch.setitem(evaluation.TARGETS, "cross_language_recall", 1.01)
    with pytest.raises(CommandError, match="cross-language"):
        call_command("evaluate_search", "--check", "--seed-only", stdout=io.StringIO())


@pytest.mark.django_db
def test_it_refuses_a_database_with_other_records(monkeypatch):
    from tests.factories import PartnershipFactory

    PartnershipFactory(title="Someone else's record")
    with pytest.raises(CommandError, match="besides the seed's"):
        call_command("evaluate_search", stdout=io.StringIO())
