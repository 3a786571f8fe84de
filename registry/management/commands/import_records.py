"""Import partners, partnerships, events or publications from a CSV, XLSX or JSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.resources import TooManyRows, describe_errors, describe_notes, import_resources, read_dataset

FORMATS = ("csv", "xlsx", "json")
MAX_ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import records from a CSV, XLSX or JSON file, as the admin's Import does: one transaction "
        "(nothing is written if any row fails), rows matched by slug so a re-import updates, new "
        "records as drafts and existing ones keep their status (an import never publishes). "
        "Exits with status 1 naming the bad rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(import_resources()), help="What the file holds.")
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument("--format", choices=FORMATS, help="Default: from the file's extension.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument(
            "--user",
            help="Import as this user (recorded in the history; a curator's import may update "
            "records in any state). Without it, rows create drafts and update drafts only.",
        )
        parser.add_argument("--progress-every", type=int, default=100, help="Report progress every N rows.")

    def handle(self, *args: Any, kind: str, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > settings.IMPORT_MAX_FILE_SIZE:
            raise CommandError(
                f"{path.name} is {path.stat().st_size} bytes; at most {settings.IMPORT_MAX_FILE_SIZE} "
                "(IMPORT_MAX_FILE_SIZE) can be imported at once."
            )
        format_name = options["format"] or path.suffix.lower().lstrip(".")
        if format_name not in FORMATS:
            raise CommandError(f"Cannot tell the format of {path.name}: pass --format csv, xlsx or json.")
        user = None
        if options["user"]:
            user = get_user_model()._default_manager.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user named {options['user']!r}.")
        try:
            # Read from the open file: a file over IMPORT_MAX_ROWS is refused at the row that passes it.
            with path.open("rb") as stream:
                dataset = read_dataset(stream, format_name)
        except TooManyRows as error:
            raise CommandError(f"{path.name}: {error}") from error
        except Exception as error:  # tablib, csv, openpyxl and json raise many kinds on a malformed file
            raise CommandError(f"Could not read {path.name} as {format_name.upper()}: {error}") from error

        every = max(1, options["progress_every"])
        resource = import_resources()[kind]()

        def progress(number: int, total: int) -> None:
            if number % every == 0 or number == total:
                self.stderr.write(
                    f"\r{kind}: row {number} of {total}", ending="\n" if number == total else ""
                )
                self.stderr.flush()

        resource.progress = progress if options["verbosity"] > 0 else None
        with pghistory.context(user=user.pk if user else None, via=f"import_records {kind} {path.name}"):
            result = resource.import_data(dataset, dry_run=options["dry_run"], user=user, raise_errors=False)

        errors = describe_errors(result)
        if errors:
            shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
            more = len(errors) - MAX_ERRORS_SHOWN
            raise CommandError(
                f"{path.name}: nothing was imported, because of {len(errors)} problem(s):\n{shown}"
                + (f"\n... and {more} more." if more > 0 else "")
            )
        for note in describe_notes(result):
            self.stderr.write(f"Note: {note}")
        totals = result.totals
        summary = (
            f"{totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged "
            f"({len(dataset)} rows)"
        )
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing written: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {summary}."))
