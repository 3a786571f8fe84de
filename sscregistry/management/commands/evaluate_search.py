from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from sscregistry import evaluation


class Command(evaluation.EvaluationCommand):
    help = (
        "Measure search on the gold set (sscregistry/evaluation/queries.json) over the seed and the "
        "multilingual fixture: recall@10 and MRR per language, kind of query and mode (full text, "
        "vectors, hybrid). The records are loaded in a transaction that is rolled back."
    )

    measured = "the seed and the multilingual fixture"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--seed-only", action="store_true", help="Only the queries about seed records.")
        parser.add_argument(
            "--misses", action="store_true", help="List the queries hybrid does not rank first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SEARCH_EMBEDDING_MODEL:
            raise CommandError("SEARCH_EMBEDDING_MODEL is empty: there are no vectors to evaluate.")
        self.refuse_other_records(options)
        # Cached figures would outlive the rolled-back records.
        cache_seconds, settings.FIGURES_CACHE_SECONDS = settings.FIGURES_CACHE_SECONDS, 0
        try:
            result = evaluation.run(fixture=not options["seed_only"])
        finally:
            settings.FIGURES_CACHE_SECONDS = cache_seconds
        for line in evaluation.report(result):
            self.stdout.write(line)
        if options["misses"]:
            self.stdout.write("\nNot first in hybrid:")
            for query, _mode, rank in result.misses:
                self.stdout.write(
                    f"  {rank or '-':>3}  [{query.language} {query.kind}] {query.q!r} -> {query.expected}"
                )
        failed = result.failures()
        if failed:
            message = "Below the targets: " + "; ".join(failed)
            if options["check"]:
                raise CommandError(message)
            self.stdout.write(self.style.WARNING(message))
        else:
            self.stdout.write(self.style.SUCCESS("Every target is met."))
