"""The draft canary: records that are not published carry a unique token in every text field, and a
crawl of every public surface finds it nowhere.

Surfaces are discovered, not listed: the crawl starts from the home page, the sitemap and the API
root, and follows every same-site link in HTML, XML and JSON answers (detail pages, feeds,
calendars, JSON-LD, IATI files, facets, exports...). A published control record carries another
token, which the crawl must find, so a crawl that sees nothing cannot pass.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import deque
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import models
from django.test import Client

from events.models import EventOrganiser, EventParticipant
from partnerships.models import Participation, PartnerName
from registry.services import WORKFLOW_FIELDS
from registry.workflow import Status
from reports.models import Authorship, PublicationOrganisation
from sscregistry.dataset import export_dataset
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

CANARY = "qzxcanary"
CONTROL = "qzxcontrol"
FACTORIES = {
    "partner": PartnerFactory,
    "person": PersonFactory,
    "partnership": PartnershipFactory,
    "event": EventFactory,
    "publication": PublicationFactory,
}
HIDDEN = (Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED)
# Fields whose values other code parses; a token there is not text anyone reads.
PARSED_FIELDS = {"timezone", "search_text"}
# Identifiers whose shape a database constraint checks (a ROR ID, a Wikidata QID): no text fits.
SHAPED_FIELDS = {"ror_id", "wikidata_id"}
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/propose/thanks/")
MAX_PAGES = 1500
MAX_QUERY_VARIANTS = 8  # per path: enough to see filters and pages, not every combination


def with_canary(record: models.Model, label: str) -> models.Model:
    """Write the canary into every free-text field of `record` (within each field's length)."""
    for field in record._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        if field.name in {*WORKFLOW_FIELDS, *PARSED_FIELDS, *SHAPED_FIELDS} or not field.editable:
            continue
        if isinstance(field, models.SlugField):
            value = f"{CANARY}-{label}"
        elif isinstance(field, models.URLField):
            value = f"https://example.org/{CANARY}/{label}"
        elif isinstance(field, models.EmailField):
            value = f"{CANARY}.{label}@example.org"
        else:
            value = f"{CANARY} {label}"
        setattr(record, field.name, value[: field.max_length] if field.max_length else value)
    record.save()
    return record


@pytest.fixture
def canaries() -> dict[str, Any]:
    hidden = {
        (kind, status): with_canary(factory(status=status, published_at=None), f"{status}-{kind}")
        for kind, factory in FACTORIES.items()
        for status in HIDDEN
    }
    draft = {kind: hidden[(kind, Status.DRAFT)] for kind in FACTORIES}
    archived = {kind: hidden[(kind, Status.ARCHIVED)] for kind in FACTORIES}
    PartnerName.objects.create(partner=draft["partner"], name=f"{CANARY} alternative name")

    # Published records, carrying the control token, linked to the hidden ones every way they can be.
    partner = PartnerFactory(name=f"{CONTROL} partner", parent=draft["partner"])
    PersonFactory(name=f"{CONTROL} person", affiliation=draft["partner"])
    partnership = PartnershipFactory(title=f"{CONTROL} partnership")
    Participation.objects.create(partnership=partnership, partner=partner)
    for hidden_partner in (draft["partner"], archived["partner"]):
        Participation.objects.create(partnership=partnership, partner=hidden_partner)
    event = EventFactory(title=f"{CONTROL} event", parent=draft["event"])
    EventOrganiser.objects.create(event=event, partner=draft["partner"])
    EventParticipant.objects.create(event=event, person=draft["person"], representing=draft["partner"])
    event.partnerships.add(draft["partnership"], partnership)
    event.publications.add(draft["publication"])
    publication = PublicationFactory(title=f"{CONTROL} publication", launched_at=draft["event"])
    Authorship.objects.create(publication=publication, person=draft["person"])
    Authorship.objects.create(publication=publication, person=archived["person"])
    PublicationOrganisation.objects.create(
        publication=publication, partner=draft["partner"], role=PublicationOrganisation.Role.PUBLISHER
    )
    publication.partnerships.add(draft["partnership"], partnership)
    return hidden


LINK = re.compile(r"""(?:href|src)=["']([^"'#]+)|<loc>([^<]+)</loc>|<link>([^<]+)</link>""")


def links_in(url: str, content_type: str, text: str) -> list[str]:
    found: list[str] = []
    if "json" in content_type:
        found = re.findall(r'"(https?://testserver/[^"]*|/[^"\s]*)"', text)
    else:
        found = [next(g for g in groups if g) for groups in LINK.findall(text)]
    return [urljoin(url, link.replace("&amp;", "&")) for link in found]


def crawl(client: Client, starts: list[str]) -> dict[str, bytes]:
    """Every same-site answer reachable from `starts`, by URL (path and query)."""
    seen: dict[str, bytes] = {}
    variants: dict[str, int] = {}
    queue = deque(starts)
    while queue and len(seen) < MAX_PAGES:
        parts = urlsplit(queue.popleft())
        if parts.netloc not in ("", "testserver") or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if url in seen:
            continue
        if parts.query:
            if variants.get(parts.path, 0) >= MAX_QUERY_VARIANTS:
                continue
            variants[parts.path] = variants.get(parts.path, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[url] = body
        if response.status_code == 200 and not url.endswith((".zip", ".csv")):
            content_type = response.get("Content-Type", "")
            queue.extend(links_in(url, content_type, body.decode("utf-8", "replace")))
    return seen


def without_echo(body: bytes) -> bytes:
    """The body without the API's echo of the client's own query (`"search": {"query": ...}`)."""
    return re.sub(rb'"query":\s*"[^"]*"', b'"query": ""', body)


def test_no_public_surface_shows_a_record_that_is_not_published(canaries, tmp_path, settings):
    settings.DATA_DUMP_DIR = tmp_path
    dump = export_dataset(tmp_path, site_url="https://registry.example.org")
    client = Client()

    resources = ["partnerships", "partners", "events", "publications", "people"]
    starts = ["/", "/sitemap.xml", "/api/v1/", "/api/v1/schema/", "/data/", "/robots.txt", "/events.ics"]
    for resource in resources:
        starts += [
            f"/api/v1/{resource}/?page_size=100",
            f"/api/v1/{resource}/facets/",
            f"/api/v1/{resource}/export.csv",
            f"/api/v1/{resource}/?q={CANARY}",
            f"/api/v1/{resource}/facets/?q={CANARY}",
            f"/api/v1/{resource}/export.csv?q={CANARY}",
        ]
    for page in ("/partnerships/", "/partners/", "/events/", "/publications/"):
        starts.append(f"{page}?q={CANARY}")
    answers = crawl(client, starts)

    with zipfile.ZipFile(io.BytesIO(dump.read_bytes())) as archive:
        for name in archive.namelist():
            answers[f"dump:{name}"] = archive.read(name)

    # A site page asked for `?q=<token>` shows the visitor's own words back (search box, chips,
    # links); the API's answers to the same searches are checked with their echo removed.
    echoed = [url for url in answers if not url.startswith("/api/") and f"q={CANARY}" in url]
    leaks = sorted(
        url
        for url, body in answers.items()
        if url not in echoed and CANARY.encode() in without_echo(body).lower()
    )
    assert not leaks, f"the canary of a non-published record appears at: {leaks}"

    # The crawl reached every kind of surface, and saw the published control records there.
    def saw(fragment: str) -> bool:
        return any(fragment in url and CONTROL.encode() in body for url, body in answers.items())

    surfaces = [
        "/partnerships/",
        "/partners/",
        "/events/",
        "/publications/",
        "/feed/",
        ".ics",
        "/api/v1/partnerships/",
        "/api/v1/partners/",
        "/api/v1/events/",
        "/api/v1/publications/",
        "/api/v1/people/",
        "export.csv",
        "dump:",
    ]
    assert [s for s in surfaces if not saw(s)] == []
    assert any(url.startswith("/sitemap-") for url in answers)
    # The IATI files answer 404 when nothing is reportable (the control records lack IATI data),
    # so they are scanned for the canary above but not required to show the control token.
    assert any("iati.xml" in url for url in answers)
    assert any(b"application/ld+json" in body and CONTROL.encode() in body for body in answers.values())
