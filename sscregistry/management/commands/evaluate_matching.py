from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from sscregistry import evaluation
from sscregistry.evaluation import matching


class Command(evaluation.EvaluationCommand):
    help = (
        "Measure organisation matching on the labelled names of sscregistry/evaluation/matching.json: "
        "precision and recall of `chosen` and recall@5 of the candidates, per kind and language. The "
        "partners are loaded in a transaction that is rolled back."
    )

    measured = "the seed and its fixtures"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--details", action="store_true", help="List the wrong choices and the names not found."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.refuse_other_records(options)
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
