from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from registry.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rewrite the stored search documents of every partnership, partner, event and publication. "
        "Needed only after writes that bypass the ORM's signals (raw SQL, QuerySet.update())."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in search_index_rebuild().items():
            self.stdout.write(f"{label}: {count} search document(s) rewritten")
