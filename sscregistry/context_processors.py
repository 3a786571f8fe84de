"""Template context every public page shares: the language switcher and the current section."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

# The first path segment (after any language prefix) of each navigation section.
SECTIONS = ("partnerships", "partners", "events", "publications", "propose", "about")


def site(request: HttpRequest) -> dict[str, Any]:
    """`language_links`: this page in each interface language; `section`: the nav entry to mark."""
    current = get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(path, code)
        if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            # An address that does not resolve comes back as it was asked for, and `//evil.example/`
            # (or `/%2F%2Fevil.example`) would then link to another site: offer the home page.
            url = translate_url(reverse("home"), code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                # Search engines want alternates as full addresses.
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    segments = [part for part in request.path.split("/") if part]
    if segments and segments[0] in dict(settings.LANGUAGES):
        segments = segments[1:]
    section = segments[0] if segments and segments[0] in SECTIONS else ""
    return {"language_links": links, "section": section}
