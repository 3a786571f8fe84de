"""Import partners, partnerships, events or publications from a CSV, XLSX or JSON file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from import_export.formats import base_formats

from curation.resources import RESOURCES

FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX, "json": base_formats.JSON}
MAX_ERRORS_SHOWN = 20


def read_dataset(path: Path, format_name: str) -> Any:
    fmt = FORMATS[format_name]()
    if fmt.is_binary():
        content = path.read_bytes()
    else:
        content = path.read_text(encoding="utf-8-sig")
    return fmt.create_dataset(content)


def describe_errors(result: Any) -> list[str]:
    """One line per problem, naming the data row (1 = the first row after the header) and field."""
    lines = []
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            where = "record" if field == "__all__" else f"field “{field}”"
            lines.extend(f"Row {invalid.number}, {where}: {message}" for message in messages)
    for number, errors in result.row_errors():
        lines.extend(f"Row {number}: {error.error}" for error in errors)
    for error in result.base_errors:
        lines.append(f"File: {error.error}")
    return lines


class Command(BaseCommand):
    help = (
        "Import records from a CSV, XLSX or JSON file, as the admin's Import does: one transaction "
        "(nothing is written if any row fails), rows matched by slug so a re-import updates, new "
        "records as drafts unless --user may publish. Exits with status 1 naming the bad rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(RESOURCES), help="What the file holds.")
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument("--format", choices=sorted(FORMATS), help="Default: from the file's extension.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row, write nothing.")
        parser.add_argument(
            "--user",
            help="Import as this user (recorded in the history; a curator's import may publish). "
            "Without it, rows create drafts and update drafts only.",
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
            dataset = read_dataset(path, format_name)
        except Exception as error:  # tablib raises many kinds on a malformed file
            raise CommandError(f"Could not read {path.name} as {format_name.upper()}: {error}") from error

        every = max(1, options["progress_every"])
        resource = RESOURCES[kind]()

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
        totals = result.totals
        summary = (
            f"{totals['new']} new, {totals['update']} updated, {totals['skip']} unchanged "
            f"({len(dataset)} rows)"
        )
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing written: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {summary}."))
