from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from partnerships.seed import load_seed_data


class Command(BaseCommand):
    help = "Create or update the records of the seed documents (idempotent: a second run changes nothing)."

    def handle(self, *args: Any, **options: Any) -> None:
        loader = load_seed_data()
        self.stdout.write(
            self.style.SUCCESS(f"Seed data loaded: {loader.created} rows created, {loader.updated} updated.")
        )
