"""WSGI entry point (gunicorn sscregistry.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")

application = get_wsgi_application()

# Import the URL configuration (and with it every view) now rather than on the first request: with
# gunicorn's preload_app, the master does it once and each worker it forks answers at once.
_url_patterns = get_resolver().url_patterns
