from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from partnerships.groups import CURATORS


class Command(BaseCommand):
    help = (
        "Create the demo curator account (development only) and print its login. The password is "
        "generated once and kept in var/demo-login.txt, which git ignores."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="curator")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo curator is for development only; use createsuperuser in production.")
        login_file = Path(settings.BASE_DIR) / "var" / "demo-login.txt"
        password = login_file.read_text().strip() if login_file.exists() else secrets.token_urlsafe(12)
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=CURATORS))
        login_file.parent.mkdir(parents=True, exist_ok=True)
        login_file.write_text(password + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo curator {'created' if created else 'ready'}: log in at "
                f"http://127.0.0.1:8000/admin/ as {username!r} with password {password!r}"
            )
        )
