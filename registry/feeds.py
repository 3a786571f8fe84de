"""What the record feeds share: newest published first, stable entry ids, escaped text."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, path
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import linebreaks

from registry.workflow import PublishableModel

FEED_LENGTH = 50
# Entry ids are derived from the record's primary key, not its URL, so a renamed record keeps its id.
ENTRY_ID_NAMESPACE = uuid.UUID("0d7c5a55-6e1b-5a3c-8f0e-6b8e8a3c2f41")


class RecordFeed(Feed):
    """An RSS 2.0 feed of newly published records. The request is the feed's object, for filters."""

    feed_type = Rss201rev2Feed
    kind = ""  # "partnership", "event", "publication": part of every entry id

    author_name = "SSC Registry"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Feeds are read-only: anything but GET and HEAD is 405, like the other open-data views.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        response = super().__call__(request, *args, **kwargs)
        # Readers poll; a quarter of an hour stale is fine and spares the database.
        response["Cache-Control"] = "public, max-age=900"
        return response

    def get_object(self, request: HttpRequest, *args, **kwargs) -> HttpRequest:
        return request

    def records(self, request: HttpRequest) -> QuerySet:
        raise NotImplementedError

    def items(self, request: HttpRequest) -> QuerySet:
        return self.records(request).order_by("-published_at", "-id")[:FEED_LENGTH]

    def feed_url(self, request: HttpRequest) -> str:
        return request.get_full_path()

    def item_guid(self, item: PublishableModel) -> str:
        return f"urn:uuid:{uuid.uuid5(ENTRY_ID_NAMESPACE, f'{self.kind}:{item.pk}')}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: PublishableModel) -> datetime.datetime | None:
        return item.published_at

    def item_updateddate(self, item: PublishableModel) -> datetime.datetime:
        return item.updated_at


def as_html(text: str) -> str:
    """Plain text as the escaped HTML that feed descriptions carry."""
    return linebreaks(text, autoescape=True)


def atom(feed_class: type[RecordFeed]) -> type[RecordFeed]:
    """The same feed as Atom 1.0."""
    return type(f"{feed_class.__name__}Atom", (feed_class,), {"feed_type": Atom1Feed})


def feed_urls(feed_class: type[RecordFeed], prefix: str, name: str) -> list[URLPattern]:
    """A record type's two feeds: Atom 1.0 at `<prefix>feed/` (named `<name>-feed`), and RSS 2.0
    at `<prefix>feed/rss/` (`<name>-feed-rss`)."""
    return [
        path(f"{prefix}feed/", atom(feed_class)(), name=f"{name}-feed"),
        path(f"{prefix}feed/rss/", feed_class(), name=f"{name}-feed-rss"),
    ]
