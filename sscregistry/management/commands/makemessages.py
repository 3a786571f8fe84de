"""Django's makemessages, also finding the strings marked with `_lazy(...)` (gettext_lazy, as the
views import it), which xgettext's default keywords miss."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
