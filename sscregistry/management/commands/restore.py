from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sscregistry.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`, replacing the data of the target database "
        "(the configured one unless --database names another on the same server), in one transaction."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--database", help="Database name on the same server (default: the configured one)."
        )
        parser.add_argument("--yes", action="store_true", help="Confirm replacing the configured database.")

    def handle(self, *args: Any, path: Path, database: str | None, yes: bool, **options: Any) -> None:
        target = database or connection.settings_dict["NAME"]
        if target == connection.settings_dict["NAME"] and not yes:
            raise CommandError(f"This replaces every record in {target!r}; pass --yes to confirm.")
        connection.close()  # pg_restore must be able to drop what our connection holds
        try:
            restore(path, database=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {target!r}."))
