from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Partner
from sscregistry.synthetic import GENERATED_PREFIX, delete_generated, generate


class Command(BaseCommand):
    help = (
        "Generate deterministic synthetic records for benchmarks: at --scale 1, 20,000 partners, "
        "100,000 partnerships, 50,000 events and 50,000 publications. Generated slugs start with 'gen-'."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 = the full benchmark size.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete previously generated records first."
        )
        parser.add_argument(
            "--no-embeddings",
            action="store_true",
            help="Leave the records without embeddings (full text only; the worker may embed them later).",
        )

    def handle(self, *args: Any, scale: float, seed: int, replace: bool, **options: Any) -> None:
        if not 0 < scale <= 20:
            raise CommandError("--scale must be greater than 0 and at most 20.")
        if Partner.objects.filter(slug__startswith=GENERATED_PREFIX).exists():
            if not replace:
                raise CommandError("Generated data already exists; pass --replace to regenerate it.")
            self.stdout.write("Deleting the previously generated records...")
            delete_generated()
        started = time.monotonic()
        counts = generate(
            scale=scale, seed=seed, write=self.stdout.write, embed=not options.get("no_embeddings")
        )
        total = sum(counts.values())
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {total:,} rows in {elapsed:,.1f} s ({total / elapsed:,.0f} rows/s)."
            )
        )
