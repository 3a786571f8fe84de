"""Project-wide middleware."""

from __future__ import annotations

import functools
import hashlib
import inspect
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_filters import FilterSet

from registry.cache import cache_response, cached_response, last_change, one_reading

from .logs import request_id_var

# Accept a caller's request id (from a proxy or load balancer) only if it looks like one.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id, log it with every line, and return it as `X-Request-ID`.

    With `SERVER_TIMING` on (development, the benchmark), the response also says how long the
    server took, templates rendered, in a `Server-Timing` header (`app;dur=12.3`, milliseconds):
    browsers' developer tools show it, and `bench/run.py` reports it without the queueing a load
    test adds. Off by default in production, where it would tell everyone the server's timings.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        if settings.SERVER_TIMING:
            response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response


class RegistryChangeMiddleware:
    """A request that only reads (GET, HEAD, OPTIONS) reads the registry's last change once.

    Its ETag and Last-Modified, the page cache's key and every figure cached until the next write
    (counts, facet counts, rankings, search decisions: registry/cache.py) then name the same
    state of the registry, for one query. A request that writes reads it afresh each time, as
    commands and tasks do: a value read before its own write would name what it wrote by the
    state before.
    """

    READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.READING_METHODS:
            return self.get_response(request)
        with one_reading():
            return self.get_response(request)


def unavailable_page(request: HttpRequest) -> str:
    """The site's page for a database outage (it reads nothing from the database)."""
    page = {
        "page_title": _("Temporarily unavailable"),
        "code": 503,
        "heading": _("The registry is temporarily unavailable"),
        "lead": _("We cannot reach our database at the moment. Please try again in a minute."),
    }
    return render_to_string("error_page.html", page, request=request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After, not 500, while the database is unreachable.

    Django reconnects by itself once the server is back (CONN_HEALTH_CHECKS), and every write runs
    in a transaction, so a request cut off by the outage leaves nothing half-written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            response: HttpResponse = JsonResponse(
                {"detail": "The registry's database is unavailable; please retry shortly."}, status=503
            )
        else:
            response = HttpResponse(unavailable_page(request), status=503)
        response["Retry-After"] = "30"
        return response


class LockoutRetryAfterMiddleware:
    """`Retry-After` on django-axes' lockout answers (429), in seconds: the cool-off time.

    A try during the lockout starts the cool-off again, so the whole of it is when to retry.
    Sits just outside `axes.middleware.AxesMiddleware`, which turns a lockout into its answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "axes_locked_out", False) and "Retry-After" not in response:
            cool_off = get_cool_off(request)
            if cool_off is not None:
                response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response


class AnonymousPageCacheMiddleware:
    """Public pages for anonymous visitors, cached until the registry's next write.

    Off unless `PAGE_CACHE_SECONDS` is set (on by default with Redis, see settings). The key holds
    the time of the registry's last write, so a publish is seen at once. Only answers that are the
    same for every visitor are cached: a 200 with no cookie set, no CSRF token and no CSP nonce used,
    for a visitor with no session and no credentials. The API has its own cache (rest.py) and
    `/healthz` always asks the database.

    A page is cached under the query parameters it reads (`read_parameters`: its FilterSet's, and
    `page` for a paginated list), and only when the request has no others: `?utm_x=1`, `?junk=2`...
    would each have made a new entry of a whole page (about 98 KB for a search page) and so let
    anyone fill the cache. Such a request is answered by the view and not cached; it is not cached
    under the address without the junk either, because pages write their query string into their
    own links, and one visitor's junk would then be served to everyone.
    """

    SKIPPED_PREFIXES = ("/api/", "/admin/", "/curation/", "/healthz")
    STORED_HEADERS_SKIPPED = {"set-cookie", "date", "x-request-id"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key and self._same_for_everyone(request, response):
            headers = {k: v for k, v in response.items() if k.lower() not in self.STORED_HEADERS_SKIPPED}
            cache_response(key, response, headers, settings.PAGE_CACHE_SECONDS)
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        # Here rather than before the URL is resolved: the key depends on what the view reads.
        key = self._key(request, view)
        cached = cached_response(key)
        if cached is not None:
            return cached
        request._page_cache_key = key
        return None

    def _key(self, request: HttpRequest, view: Callable[..., Any]) -> str | None:
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method != "GET"
            or request.path.startswith(self.SKIPPED_PREFIXES)
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or not read_parameters(view).issuperset(request.GET)
        ):
            return None
        try:
            changed = last_change()
        except DatabaseError:
            return None  # the view will meet the outage too, and answer 503
        if changed is None:
            return None
        # The query as the view reads it: `?q=a`, `?q=%61` and `?q=a&&` are one page.
        query = request.GET.urlencode()
        parts = [repr(changed), request.scheme, request.get_host(), request.path, query, get_language()]
        return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()

    @staticmethod
    def _same_for_everyone(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and getattr(request, "_csp_nonce", None) is None
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )


# Django's own views cannot say what they read: a sitemap's later pages are `?p=2`, `?p=3`...
_FOREIGN_VIEW_PARAMETERS = {inspect.unwrap(sitemap_views.sitemap): frozenset({"p"})}


@functools.cache
def read_parameters(view: Callable[..., Any]) -> frozenset[str]:
    """The query parameters a view reads: its FilterSet's, and `page` if it paginates.

    `view` is what the URL resolves to: a function, an `as_view()` function (whose class is
    `view_class`) or a callable instance such as a feed, decorators looked through. A view that reads
    other names lists them in a `query_parameters` attribute.
    """
    # Through decorators, but not past an as_view() function (which may carry a `__wrapped__`
    # copied from a decorated dispatch()).
    view = inspect.unwrap(view, stop=lambda layer: hasattr(layer, "view_class"))
    if view in _FOREIGN_VIEW_PARAMETERS:
        return _FOREIGN_VIEW_PARAMETERS[view]
    owner = getattr(view, "view_class", view)
    names = set(getattr(owner, "query_parameters", ()))
    filterset_class = getattr(owner, "filterset_class", None)
    if filterset_class is not None:
        names |= filterset_parameters(filterset_class)
    if getattr(owner, "paginate_by", None):
        names.add(getattr(owner, "page_kwarg", "page"))
    return frozenset(names)


def filterset_parameters(filterset_class: type[FilterSet]) -> frozenset[str]:
    """The query parameters a FilterSet reads: each filter's name, or its suffixed names for a
    range (`year_min`, `year_max`; `date_after`, `date_before`)."""
    names = set()
    for name, filter_ in filterset_class.base_filters.items():
        widget = filter_.extra.get("widget") or getattr(filter_.field_class, "widget", None)
        suffixes = getattr(widget, "suffixes", None)
        names |= {f"{name}_{suffix}" if suffix else name for suffix in suffixes} if suffixes else {name}
    return frozenset(names)
