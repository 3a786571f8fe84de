"""`manage.py export_dataset [DIR]`: write the bulk dump that /data/ offers."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sscregistry.dataset import export_dataset, prune_dumps


class Command(BaseCommand):
    help = (
        "Export every published record as CSV and JSON Lines with a datapackage.json, zipped. "
        "Run it on a schedule (e.g. nightly); /data/ serves the newest dump in DATA_DUMP_DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=None,
            help="Where to write the dump (default: the DATA_DUMP_DIR setting, which /data/ serves).",
        )
        parser.add_argument(
            "--site-url",
            default=settings.SITE_URL,
            help="The public address records' page links start with (default: the SITE_URL setting).",
        )
        parser.add_argument(
            "--keep", type=int, default=5, help="How many dumps to keep in the directory (default 5)."
        )

    def handle(self, *args, directory: Path | None, site_url: str, keep: int, **options) -> None:
        directory = directory or settings.DATA_DUMP_DIR
        path = export_dataset(directory, site_url=site_url)
        removed = prune_dumps(directory, keep=max(keep, 1))
        self.stdout.write(
            f"Wrote {path} ({path.stat().st_size} bytes); removed {len(removed)} older dump(s)."
        )
