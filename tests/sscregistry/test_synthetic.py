import io

import pytest
from django.core.management import CommandError, call_command

from events.models import Event
from partnerships.models import Partner, Partnership
from reports.models import Publication
from sscregistry.synthetic import PLANTED_TERMS

pytestmark = pytest.mark.django_db


def _generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_data", "--scale", "0.01", "--no-embeddings", *args, stdout=out)
    return out.getvalue()


def test_generates_every_kind_of_record_with_progress_lines():
    output = _generate("--seed", "3")
    assert "partnerships: 1,000 of about 1,000 rows" in output
    assert Partner.objects.filter(slug__startswith="gen-").count() == 200
    assert Partnership.objects.filter(slug__startswith="gen-").count() == 1000
    assert Event.objects.filter(slug__startswith="gen-").count() == 500
    assert Publication.objects.filter(slug__startswith="gen-").count() == 500
    drafts = Partnership.objects.exclude(status="published").count()
    assert 50 <= drafts <= 150  # about 10 %
    assert len({e.timezone for e in Event.objects.all()}) > 10
    scripts = "".join(Partner.objects.values_list("name", flat=True))
    assert any("\u0400" <= ch <= "\u04ff" for ch in scripts)  # Cyrillic
    assert any("\u0600" <= ch <= "\u06ff" for ch in scripts)  # Arabic
    assert any("\u4e00" <= ch <= "\u9fff" for ch in scripts)  # Chinese


def test_planted_terms_have_their_frequencies():
    _generate()
    word, share = PLANTED_TERMS["common"]
    assert Partnership.objects.filter(summary__contains=word).count() == round(1000 * share)
    word, _share = PLANTED_TERMS["rare"]
    assert Partnership.objects.filter(summary__contains=word).count() == 1


def test_same_seed_gives_the_same_data_and_a_second_run_needs_replace():
    _generate("--seed", "7")
    first = list(Partnership.objects.order_by("slug").values_list("slug", "title", "summary"))[:50]
    with pytest.raises(CommandError, match="--replace"):
        _generate("--seed", "7")
    _generate("--seed", "7", "--replace")
    again = list(Partnership.objects.order_by("slug").values_list("slug", "title", "summary"))[:50]
    assert first == again


def test_bad_scale_is_refused():
    with pytest.raises(CommandError, match="--scale"):
        call_command("generate_data", "--scale", "0")


def test_generated_rows_leave_no_history_and_replace_keeps_the_signals(make_partnership):
    """Synthetic rows are not curators' work; --replace mutes the search signals only while it deletes."""
    from django.apps import apps

    from registry.search import search

    partnership_history = apps.get_model("partnerships", "PartnershipHistory")
    partner_history = apps.get_model("partnerships", "PartnerHistory")
    _generate()
    generated = Partnership.objects.filter(slug__startswith="gen-")
    assert generated.exists()
    assert not partnership_history.objects.filter(pgh_obj__in=generated).exists()
    assert not partner_history.objects.filter(pgh_obj__slug__startswith="gen-").exists()
    _generate("--replace")
    assert Partnership.objects.filter(slug__startswith="gen-").count() == 1000
    # Signals are connected again: a curator's new record is searchable and has its history.
    kept = make_partnership(title="Heliotrope irrigation exchange")
    assert kept.history.count() == 1
    assert list(search(Partnership.objects.all(), "heliotrope")[0]) == [kept]


def test_generated_records_share_the_embeddings_of_their_repeated_texts():
    from registry import embeddings
    from registry.models import SearchEmbedding

    out = io.StringIO()
    call_command("generate_data", "--scale", "0.002", stdout=out)
    assert "distinct texts" in out.getvalue()
    generated = Partnership.objects.filter(slug__startswith="gen-")
    stored = SearchEmbedding.objects.filter(
        content_type__model="partnership", object_id__in=generated.values("pk")
    )
    assert stored.count() == generated.count() == 200
    # Stored under each record's own text: the task worker finds nothing left to embed.
    assert embeddings.embed_rows(Partnership, generated.values_list("pk", flat=True)) == 0
    # Records that differ only by their number share one vector.
    assert stored.values("embedding").distinct().count() < generated.count()
