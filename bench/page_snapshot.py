"""Save the HTML of every public page type, in English, French and Spanish, to compare templates.

A template change that should change no page is checked by saving the pages before and after it
and comparing the folders (`diff -r before after`); CSRF tokens and nonces are masked. Every page
type is fetched: home, about, open data, 404, the lists (unfiltered, each facet's first values, two
facets together, searches that match, miss or are respelled, a bad filter, two records a page),
every published record's page, the calendar, the proposal pages (empty, and posted with errors),
and, rendered directly, the rate-limit, 503 and 500 pages.

Usage, against a throwaway database with the seed data (SSC_PGDATA naming a new folder, then
`manage.py migrate` and `manage.py load_seed_data`):
    DJANGO_DEBUG=0 .venv/bin/python bench/page_snapshot.py OUTDIR
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscregistry.settings")
if not os.environ.get("DATABASE_URL"):
    from sscregistry.localdb import start_embedded_server

    os.environ["DATABASE_URL"] = start_embedded_server()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from events.models import Event  # noqa: E402
from partnerships.models import Partner, Partnership  # noqa: E402
from registry.search_pages import FacetedSearchView  # noqa: E402
from reports.models import Publication  # noqa: E402
from sscregistry.middleware import unavailable_page  # noqa: E402

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
PREFIXES = {"en": "", "fr": "/fr", "es": "/es"}
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")|(nonce=")[^"]*(")')

assert not settings.DEBUG, "run with DJANGO_DEBUG=0 so that the 404 page is the site's own"


def clean(html: str) -> str:
    return TOKEN.sub(lambda m: (m.group(1) or m.group(3)) + "X" + (m.group(2) or m.group(4)), html)


def save(name: str, status: int, html: str) -> None:
    path = OUT / (re.sub(r"[^A-Za-z0-9._=-]+", "_", name).strip("_") + ".html")
    path.write_text(f"<!-- {name} {status} -->\n{clean(html)}")


client = Client()
count = 0


def fetch(path: str, method: str = "get", data: dict | None = None) -> str:
    global count
    response = getattr(client, method)(path, data or {})
    html = response.content.decode()
    save(f"{method} {path}", response.status_code, html)
    count += 1
    return html


def facet_queries(html: str) -> list[str]:
    """One query per filter the page offers (the first two values of each), and two combined."""
    seen: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input[^>]*type="checkbox"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        seen.setdefault(name, [])
        if len(seen[name]) < 2:
            seen[name].append(value)
    for name, value in re.findall(r'<a[^>]*href="\?([a-z_]+)=([^"&]+)"', html):
        seen.setdefault(name, [])
        if len(seen[name]) < 2 and value not in seen[name]:
            seen[name].append(value)
    select = re.search(r'<select name="ordering".*?</select>', html, re.S)
    seen["ordering"] = re.findall(r'<option value="([^"]*)"', select.group(0)) if select else []
    queries = [urlencode({n: v}) for n, vs in sorted(seen.items()) for v in vs]
    pairs = [(n, vs[0]) for n, vs in sorted(seen.items()) if vs][:2]
    if len(pairs) == 2:
        queries.append(urlencode(pairs))
    return queries


LISTS = {
    "/partnerships/": ["q=south", "q=partnrship", "q=zzzzqqqq", "q=norec", "start_after=bad"],
    "/partners/": ["q=unossc", "q=zzzzqqqq", "q=unosc"],
    "/events/": ["q=bapa", "q=zzzzqqqq", "q=conference"],
    "/events/past/": ["q=bapa", "q=zzzzqqqq"],
    "/publications/": ["q=strategy", "q=zzzzqqqq", "q=stratgy", "language=ru"],
}

for lang, prefix in PREFIXES.items():
    for path in ["/", "/about/api/", "/data/", "/no-such-page/", "/partnerships/no-such-record/"]:
        fetch(prefix + path)
    for path in ["/events/calendar/", "/events/calendar/2019/3/", "/events/calendar/2023/9/"]:
        fetch(prefix + path)
    for path, extra in LISTS.items():
        html = fetch(prefix + path)
        for query in facet_queries(html) + extra:
            fetch(f"{prefix}{path}?{query}")
    for model in (Partnership, Partner, Event, Publication):
        for record in model.objects.published().order_by("pk"):
            with translation.override(lang):
                fetch(record.get_absolute_url())
    for path in ["/propose/", "/propose/partnership/", "/propose/event/", "/propose/thanks/"]:
        fetch(prefix + path)
    # Forms with errors (an empty proposal is invalid and creates nothing).
    fetch(prefix + "/propose/partnership/", "post", {"title": ""})
    fetch(prefix + "/propose/event/", "post", {"title": ""})
    # Pages a request cannot reach on demand here: the rate limit and the database outage.
    factory = RequestFactory()
    with translation.override(lang):
        request = factory.get(prefix + "/propose/partnership/")
        request.LANGUAGE_CODE = lang
        save(
            f"render {lang} rate_limited",
            429,
            render_to_string("curation/propose_rate_limited.html", {"window_minutes": 60}, request=request),
        )
        save(f"render {lang} 503", 503, unavailable_page(request))
        save(f"render {lang} 500", 500, render_to_string("500.html"))
    count += 3


# Pagination on every list (two records a page).
def subclasses(cls: type) -> list[type]:
    return [cls] + [s for c in cls.__subclasses__() for s in subclasses(c)]


for view in subclasses(FacetedSearchView):
    view.paginate_by = 2
caches[settings.SHARED_CACHE].clear()
for prefix in PREFIXES.values():
    for path in LISTS:
        for page in ("", "?page=2", "?page=3&q=south"):
            response = client.get(f"{prefix}{path}{page}")
            save(f"paged {prefix}{path}{page}", response.status_code, response.content.decode())
            count += 1

print(f"{count} pages saved in {OUT}")
