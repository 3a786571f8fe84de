from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sscregistry.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database with pg_dump (custom format) to one file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, help="Default: var/backups/sscregistry-<time>.dump")

    def handle(self, *args: Any, output: Path | None, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = output or Path(settings.BASE_DIR) / "var" / "backups" / f"sscregistry-{stamp}.dump"
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({path.stat().st_size:,} bytes)"))
