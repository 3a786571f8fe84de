"""WSGI entry point (gunicorn sscregistry.wsgi)."""

import gc
import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")

application = get_wsgi_application()

# Import the URL configuration (and with it every view) now rather than on the first request: with
# gunicorn's preload_app, the master does it once and each worker it forks answers at once.
_url_patterns = get_resolver().url_patterns


def warm_up() -> None:
    """Do in the master what every worker's first request would otherwise do again.

    gunicorn's preload_app imports the app once in its master and forks the workers from it, and
    workers are replaced every `max_requests` requests: whatever is built lazily on a first request
    is built again by each new worker while requests wait for it (a detail's first answer took 60 ms
    of CPU, the search page's 240 ms). No database connection is opened here: forked workers must
    not share one.
    """
    from django.conf import settings
    from django.template import engines
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            resolver.reverse_dict  # noqa: B018 (the property fills the language's reverse lookups)
    for engine in engines.all():
        for directory in getattr(engine, "dirs", []):  # the project's templates/, not the packages'
            for path in Path(directory).rglob("*.html"):
                engine.get_template(str(path.relative_to(directory)))


warm_up()
# What the master has built lives as long as the workers: out of the collector's reach, a full
# collection no longer walks it (a fifth of the collector's time in a worker's requests), and
# collecting no longer writes to those pages, which the forked workers share until one does.
gc.freeze()
