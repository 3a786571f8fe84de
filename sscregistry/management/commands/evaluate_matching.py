from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sscregistry import evaluation
from sscregistry.evaluation import matching


class Command(BaseCommand):
    help = (
        "Measure organisation matching on the labelled names of sscregistry/evaluation/matching.json: "
        "precision and recall of `chosen` and recall@5 of the candidates, per kind and language. The "
        "partners are loaded in a transaction that is rolled back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Exit with an error below the targets.")
        parser.add_argument(
            "--details", action="store_true", help="List the wrong choices and the names not found."
        )
        parser.add_argument(
            "--anyway",
            action="store_true",
            help="Run even though the database holds other records (they change the figures).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        others = evaluation.other_records()
        if others and not options["anyway"]:
            raise CommandError(
                f"This database holds {others:,} records besides the seed's: the evaluation measures the "
                "seed and its fixtures on their own. Run it on a fresh database (the test suite does), "
                "or pass --anyway."
            )
        result = matching.run()
        for line in matching.report(result):
            self.stdout.write(line)
        if options["details"]:
            for line in matching.details(result):
                self.stdout.write(line)
        failed = result.failures()
        if failed:
            message = "Below the targets: " + "; ".join(failed)
            if options["check"]:
                raise CommandError(message)
            self.stdout.write(self.style.WARNING(message))
        else:
            self.stdout.write(self.style.SUCCESS("Every target is met."))
