from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from registry.groups import CURATORS


class Command(BaseCommand):
    help = (
        "Create the demo curator account (development only) and print its login. The password is "
        "generated once and kept in var/demo-login.txt, which git ignores. An existing account is "
        "left as it is: its password and sessions survive every run."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", default="curator")
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="The address the site is served at, for the login line.",
        )

    def handle(self, *args: Any, username: str, url: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo curator is for development only; use createsuperuser in production.")
        admin_url = url.rstrip("/") + "/admin/"
        login_file = Path(settings.BASE_DIR) / "var" / "demo-login.txt"
        saved = login_file.read_text().strip() if login_file.exists() else ""
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = saved or secrets.token_urlsafe(12)
            user = User.objects.create_user(username=username, password=password, is_staff=True)
            user.groups.add(Group.objects.get(name=CURATORS))
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(password + "\n")
            login_file.chmod(0o600)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo curator created: log in at {admin_url} as {username!r} with password {password!r}"
                )
            )
            return
        if saved and user.check_password(saved):
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo curator ready: log in at {admin_url} as {username!r} with password {saved!r}"
                )
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Demo curator {username!r} exists and its password is no longer the one in "
                    f"var/demo-login.txt: log in at {admin_url} with the password you set "
                    f"(`manage.py changepassword {username}` sets a new one)."
                )
            )
