from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from vocabularies.reference import load_reference_data


class Command(BaseCommand):
    help = "Create or update the reference vocabularies from partnerships/data/ (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            load_reference_data()
        self.stdout.write(self.style.SUCCESS("Reference vocabularies are up to date."))
