#!/usr/bin/env python3
"""Django's command-line utility for SSC Registry."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")
    if not os.environ.get("DATABASE_URL"):
        # No database configured: use the embedded PostgreSQL kept in var/postgres/.
        from sscregistry.localdb import start_embedded_server

        os.environ["DATABASE_URL"] = start_embedded_server()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
