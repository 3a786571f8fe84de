from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sscregistry.seed import load_seed_data


class Command(BaseCommand):
    help = (
        "Create the records of the seed documents that are missing. A record that exists (by slug) is "
        "never changed, so a curator's edits survive every run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        loader = load_seed_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed data: {loader.records_created} records created "
                f"({loader.created} rows with their parts); "
                f"{loader.records_kept} already there, left as they are."
            )
        )
