"""The WSGI module builds in gunicorn's master what each forked worker's first request would build."""

from __future__ import annotations

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.urls import get_resolver

from sscregistry import wsgi


def _template_cache() -> dict:
    loaders = engines["django"].engine.template_loaders
    return next(loader for loader in loaders if isinstance(loader, CachedLoader)).get_template_cache


def test_warm_up_fills_the_url_lookups_and_templates_without_the_database(settings):
    # No `db` fixture: pytest-django refuses any query, and a connection opened in the master would
    # be shared by every forked worker.
    settings.DEBUG = False
    resolver = get_resolver()
    resolver._reverse_dict.clear()
    _template_cache().clear()
    wsgi.warm_up()
    assert {"en", "fr", "es"} <= set(resolver._reverse_dict)
    assert {"base.html", "home.html", "search/_facets.html"} <= set(_template_cache())


def test_the_master_hands_its_objects_to_the_workers_frozen():
    import gc

    assert gc.get_freeze_count() > 0  # importing sscregistry.wsgi froze what the master had built
