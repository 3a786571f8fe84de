from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from registry import embeddings
from registry.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the stored search documents of every partnership, partner, event and publication. "
        "Needed only after writes that bypass the ORM's signals (raw SQL, QuerySet.update()). Also "
        "queues the embedding of every record whose text changed, for the task worker."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in search_index_rebuild().items():
            self.stdout.write(f"{label}: {count} search document(s) rewritten")
            embeddings.enqueue(apps.get_model(label))
        if embeddings.enabled():
            self.stdout.write("Embeddings queued for the task worker (manage.py db_worker).")
