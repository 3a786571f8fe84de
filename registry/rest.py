"""What every API endpoint shares: pagination, filtering, conditional GET, throttling, facets,
CSV exports, curators' writes and the publish action.

Reads only ever see published records. Writes need a token (or an admin session) and Django model
permissions; `status` is never writable, so a record created through the API is a draft until
someone with the model's `publish_<model>` permission calls its publish action.
"""

from __future__ import annotations

import csv
import difflib
import functools
import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db import models, transaction
from django.db.models import ProtectedError
from django.forms.utils import ErrorDict
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.functional import cached_property
from django.utils.http import http_date, parse_etags
from django.utils.translation import get_language
from django_filters import FilterSet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ErrorDetail, NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from registry.cache import cache_response, cached_response, last_change
from registry.compiled import CompiledLookup, CompiledPage, compiled_lookups, compiled_pages, compiled_values
from registry.facets import cached_facet_counts
from registry.models import RESERVED_SLUGS
from registry.openapi import ERROR_SCHEMA, ShapeAnswer, ShapeDetailAnswer
from registry.pagination import RegistryPaginator
from registry.parsers import RegistryJSONParser
from registry.permissions import ReadOrModelPermissions
from registry.search import SearchOutcome
from registry.serializers import TextField
from registry.services import (
    TRANSITIONS,
    TransitionNotAllowed,
    publish_warnings,
    record_transition,
    user_can,
    user_can_edit,
)
from registry.shapes import Context, RecordShape, Row
from registry.spreadsheets import safe_cell
from registry.workflow import PublishableModel, SearchableModel, StaleRecordError, Status

if TYPE_CHECKING:
    from registry.filters import RegistryFilterSet

    # What the mixins below are mixed into: they call the viewset's methods and read its attributes.
    _ViewSet = viewsets.ModelViewSet
else:
    _ViewSet = object

# A page's rows (the mixins' `list` method hides the builtin in their class bodies).
Rows = list[Row]


class CappedPaginator(RegistryPaginator):
    """A paginator that counts at most `API_COUNT_CAP` matches (setting; 0 counts them all).

    Counting every match of a common search term costs as much as reading them. Beyond the cap,
    `count` is the cap and `capped` is true. Pages beyond the cap still answer: they read one row
    more than a page to know whether another page follows, and a page past the end is a 404.
    """

    capped = False

    @cached_property
    def cap(self) -> int:
        return max(int(getattr(settings, "API_COUNT_CAP", 0) or 0), 0)

    @cached_property
    def count(self) -> int:
        if not self.cap or not isinstance(self.object_list, models.QuerySet):
            return super().count
        found = self.cached_count(limit=self.cap + 1)
        if found > self.cap:
            self.capped = True
            return self.cap
        return found

    def validate_number(self, number: Any) -> int:
        if not (self.count and self.capped):  # the count sets `capped`
            return super().validate_number(number)
        # Django's checks, except the last page: past the cap, it is not known.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = self.rows(bottom, bottom + self.per_page + 1)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        page = CappedPage(rows[: self.per_page], number, self)
        page.more = len(rows) > self.per_page
        return page


class CappedPage(Page):
    """A page of a capped count: whether another page follows is known from the rows read."""

    more = False

    def has_next(self) -> bool:
        return self.more


class RegistryPagination(PageNumberPagination):
    """`page` and `page_size` (default 20, at most 100: a larger value is an error, not clamped).

    Counts stop at `API_COUNT_CAP` (CappedPaginator): `count_is_estimate` says when they did.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list | None:
        # DRF calls django_paginator_class(queryset, page_size): the stubs want a class, any
        # callable that makes a paginator does.
        self.django_paginator_class = functools.partial(  # type: ignore[assignment]
            CappedPaginator, records=getattr(view, "page_records", None)
        )
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            ) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be from 1 to {self.max_page_size} (the maximum)."]})
        return size

    @property
    def capped_paginator(self) -> CappedPaginator:
        """The paginator of the page just read (set by paginate_queryset, always a CappedPaginator)."""
        return cast(CappedPaginator, cast(Page, self.page).paginator)

    def get_paginated_response(self, data: Any) -> Response:
        paginator = self.capped_paginator
        body = {
            "count": paginator.count,
            "count_is_estimate": paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        }
        outcome = getattr(self.request, "search_outcome", None)
        if outcome is not None:
            body["search"] = outcome.as_dict()
        return Response(body)

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["allowEmptyValue"] = True  # the default size
                parameter["description"] = (
                    f"Results per page, 1 to {self.max_page_size} (default {self.page_size})."
                )
            elif parameter["name"] == self.page_query_param:
                # DRF reads an empty page as the first and `last` as the last.
                parameter["schema"] = {"anyOf": [{"type": "integer", "minimum": 1}, {"enum": ["last"]}]}
                parameter["allowEmptyValue"] = True
                parameter["description"] = "A page number (default 1), or `last`."
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        paginated["properties"] = {
            "count": {
                **properties["count"],
                "description": "How many records match, counted up to a cap (10,000 by default): "
                "beyond it, the cap itself, and `count_is_estimate` is true.",
            },
            "count_is_estimate": {
                "type": "boolean",
                "example": False,
                "description": "True when more records match than were counted: `count` is then a "
                "lower bound. Pages beyond it still answer; follow `next` until it is null.",
            },
            **{name: value for name, value in properties.items() if name != "count"},
            "search": SEARCH_SCHEMA,
        }
        paginated["required"] = [*paginated.get("required", ["count", "results"]), "count_is_estimate"]
        return paginated


SEARCH_SCHEMA = {
    "type": "object",
    "description": "Present when `q` was given: how the query was answered.",
    "properties": {
        "query": {"type": "string"},
        "mode": {
            "type": "string",
            "enum": ["fulltext", "fuzzy"],
            "description": "`fuzzy`: full text found nothing, so these are records with similar words.",
        },
        "suggestion": {
            "type": "string",
            "nullable": True,
            "description": "In fuzzy mode, the query respelt with the closest words found.",
        },
        "modes": {
            "type": "array",
            "items": {"type": "string", "enum": ["fulltext", "fuzzy", "vector"]},
            "description": (
                "The retrievals that answered: `fulltext` or `fuzzy`, and `vector` when records near in "
                "meaning (sentence embeddings, across languages) joined them. A record not embedded yet is "
                "still found by full text."
            ),
        },
    },
}


class RegistryFilterBackend(DjangoFilterBackend):
    """django-filter, keeping the search outcome for the response. Bad values answer 400.

    A request that names no filter skips the FilterSet: every filter leaves the records as they are
    when its parameter is absent.
    """

    # DRF passes its Request (django-filter's stubs say HttpRequest, which has no query_params).
    def filter_queryset(  # type: ignore[override]
        self, request: Request, queryset: models.QuerySet, view: Any
    ) -> models.QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        if getattr(view, "action", None) == "list":
            refuse_unknown_parameters(request, filterset_class)
        named = frozenset(name for name in request.query_params if name in filterset_class.base_filters)
        if not named:
            # No filter named: the FilterSet would answer the queryset as it is, after deep-copying
            # its filters and building a form (a third of a plain detail request's time).
            return queryset
        # Only the named filters: each absent one leaves the records as they are, and copying and
        # validating all twenty of them cost 2 to 3 ms of every filtered or searched request.
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        filterset = narrowed(filterset_class, named)(**kwargs)
        if not filterset.is_valid():
            raise invalid(filterset)
        records = filterset.qs
        keep_search_outcome(request, cast("RegistryFilterSet", filterset).search)
        return records


# Parameters a list reads besides its filters: the answer's format and the page; an export or the
# facets, the format only.
LIST_PARAMETERS = frozenset({"format", "page", "page_size"})
EXPORT_PARAMETERS = frozenset({"format"})
# A choice error lists the valid values when there are at most this many.
LISTED_VALUES = 40


def refuse_unknown_parameters(
    request: Request, filterset_class: type[FilterSet], others: frozenset[str] = LIST_PARAMETERS
) -> None:
    """A 400 for a parameter the list does not read (`?sdgs=17` would otherwise answer every
    record as if unfiltered), naming the parameters it does read and the nearest to the typo."""
    known = set(filterset_class.base_filters) | others
    unknown = sorted(name for name in request.query_params if name not in known)
    if not unknown:
        return
    valid = ", ".join(sorted(known))
    errors = {}
    for name in unknown:
        near = difflib.get_close_matches(name, known, n=1)
        hint = f" Did you mean {near[0]}?" if near else ""
        errors[name[:100]] = [f"Unknown parameter.{hint} This list reads: {valid}."]
    raise ValidationError(errors)


def _valid_values(filterset: FilterSet, name: str) -> str:
    """What a filter takes, for its error: the values when they are few, else how many there are."""
    field = filterset.form.fields.get(name)
    if field is None:
        return ""
    queryset = getattr(field, "queryset", None)
    if queryset is not None:
        column = getattr(field, "to_field_name", None) or "pk"
        found = queryset.order_by(column).values_list(column, flat=True)[: LISTED_VALUES + 1]
        values = [str(value) for value in found]
    else:
        values = [str(value) for value, _label in getattr(field, "choices", ()) if value != ""]
    if not values:
        return ""
    if len(values) > LISTED_VALUES:
        return f"Valid values are {', '.join(values[:10])}, ... (the API's schema lists them)."
    return f"Valid values: {', '.join(values)}."


def invalid(filterset: FilterSet) -> ValidationError:
    """The API's 400 for a FilterSet's errors, each choice error saying which values are valid."""
    errors: dict[str, list[ErrorDetail]] = {}
    # The form's ErrorDict (django-filter's stubs say a plain dict).
    form_errors = cast(ErrorDict, filterset.errors)
    for name, error_list in form_errors.as_data().items():
        details = [ErrorDetail(e.message % (e.params or ()), code=e.code) for e in error_list]
        if any(e.code in ("invalid_choice", "invalid_pk_value") for e in error_list):
            hint = _valid_values(filterset, name)
            if hint:
                details.append(ErrorDetail(hint, code="valid_values"))
        errors[name] = details
    return ValidationError(errors)


def keep_search_outcome(request: Request, outcome: SearchOutcome | None) -> None:
    """Keep how the search was answered on the request, for the paginated answer's `search`."""
    request.search_outcome = outcome  # type: ignore[attr-defined]  # an attribute of our own


@functools.lru_cache(maxsize=512)
def narrowed(filterset_class: type[FilterSet], names: frozenset[str]) -> type[FilterSet]:
    """A subclass of `filterset_class` with only the filters `names` (kept per combination).

    For the API's lists and exports, where a filter whose parameter is absent does nothing. The
    facets and the search pages keep every filter: they count and show the absent ones too.
    """
    subclass: type[FilterSet] = type(
        filterset_class.__name__, (filterset_class,), {"__module__": filterset_class.__module__}
    )
    subclass.base_filters = OrderedDict(
        (name, value) for name, value in filterset_class.base_filters.items() if name in names
    )
    return subclass


# What a cached answer keeps of the original's headers (the rest are set again on the way out).
CACHED_HEADERS = {"Content-Type", "Content-Language", "Vary", "Allow", "Link"}


def _seconds(changed: float | None) -> int | None:
    """The last change in whole seconds, as `Last-Modified` says it: a client that sends that
    header back in If-Modified-Since has the current copy (the fraction made it look older)."""
    return None if changed is None else int(changed)


class ConditionalGetMixin(_ViewSet):
    """ETag and Last-Modified (the registry's last write) on GET answers, and 304 Not Modified
    when the client's copy is current.

    Once the registry has recorded a write, the ETag is a hash of that write's time and of what
    the request asks for (address, format, user), so a current copy is answered 304 before any
    record is read or rendered. Until then, it is a hash of the rendered body.
    """

    conditional_actions = ("list", "retrieve")
    _etag: str | None = None
    _changed: float | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, permissions, throttles, format
        self._etag, self._changed = None, None
        if request.method in ("GET", "HEAD") and self.action in self.conditional_actions:
            self._changed = last_change()
            if self._changed is not None:
                key = "\n".join(
                    [
                        repr(self._changed),
                        request.get_host(),
                        request.get_full_path(),
                        request.accepted_media_type or "",
                        str(request.user.pk or ""),
                    ]
                )
                self._etag = f'"{hashlib.sha256(key.encode()).hexdigest()[:32]}"'

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return self._not_modified(request) or self._cached(request) or super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return (
            self._not_modified(request) or self._cached(request) or super().retrieve(request, *args, **kwargs)
        )

    def _cache_key(self, request: Request) -> str | None:
        """Anonymous reads only, and only once a write is recorded: the ETag names the answer."""
        if self._etag is None or request.user.is_authenticated or not settings.API_RESPONSE_CACHE_SECONDS:
            return None
        if getattr(request, "accepted_renderer", None) is None or request.accepted_renderer.format == "api":
            return None  # the browsable API's HTML carries a CSRF token: never shared
        return f"api-answer:{self._etag}:{get_language()}"

    def _cached(self, request: Request) -> HttpResponse | None:
        return cached_response(self._cache_key(request))

    def _not_modified(self, request: Request) -> Any:
        if self._etag is None:
            return None
        response = get_conditional_response(request, etag=self._etag, last_modified=_seconds(self._changed))
        if response is None or response.status_code != 304:
            return None
        response["ETag"] = self._etag
        return response

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            return response
        if self._etag is not None:
            key = self._cache_key(request)
            if key and isinstance(response, Response):
                response.render()
                headers = {name: value for name, value in response.items() if name in CACHED_HEADERS}
                cache_response(key, response, headers, settings.API_RESPONSE_CACHE_SECONDS)
            response["ETag"] = self._etag
            response["Last-Modified"] = http_date(self._changed)
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        changed = last_change()
        if changed is not None:
            response["Last-Modified"] = http_date(changed)
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=_seconds(changed),
            response=response,
        )


def search_columns(model: type[models.Model]) -> list[str]:
    """The stored search document's columns, when `model` has them: reads never show them, and
    a document is several times the size of the rest of its row."""
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in ("search_vector", "search_text") if name in names]


class ShapeReadMixin(_ViewSet):
    """Lists and details answered from the viewset's `shape` (registry/shapes.py): `values()` rows
    and relation batches made into the record's JSON, without model instances or serializers. Every
    renderer (JSON, the browsable API) shows the same dicts.

    The rows of a page or a record are read by `_page_rows()` and `_record_rows()`, the only users
    of the compiled queries (registry/compiled.py): the compiled one, when there is one, or the
    query built afresh, which is then compiled for the next request.
    """

    shape: RecordShape
    page_records: models.QuerySet | None = None  # the filtered records of a list (paginator)
    published_records: Callable[[], models.QuerySet]

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        context = Context(request, self.shape, format=self.format_kwarg)
        rows, paginated = self._page_rows(request)
        records = self.shape.records(rows, context)
        return self.get_paginated_response(records) if paginated else Response(records)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        context = Context(request, self.shape, format=self.format_kwarg)
        rows = self._record_rows(request)
        record = self.shape.records(rows, context)[0]
        if issubclass(self.shape.model, SearchableModel):
            record["similar"] = self.shape.similar(rows[0]["id"], context)
        return Response(record)

    def _page_rows(self, request: Request) -> tuple[Rows, bool]:
        """The rows of the page the request names, and whether they are paginated."""
        key = self._compiled_key(request)
        compiled = compiled_pages.get(key) if key is not None else None
        if compiled is not None:
            if compiled.outcome is not None:
                keep_search_outcome(request, compiled.outcome)
            return self._page_from_compiled(compiled, request), True
        self.page_records = self.filter_queryset(self.published_records())
        rows = self.shape.rows(self.page_records)
        page = self.paginate_queryset(rows)
        if page is None:
            return list(rows), False
        if key is not None and (compiled := self._compiled_page()) is not None:
            compiled_pages.put(key, compiled)
        return page, True

    def _record_rows(self, request: Request) -> Rows:
        """The one row of the record the request names (404 if none)."""
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        key = self._compiled_key(request, page=False)
        compiled = compiled_lookups.get(key) if key is not None else None
        if compiled is not None:
            found = compiled.rows(value)
            if len(found) == 1:
                return found
            # None (or, against the unique slug, two): the usual way, with its usual answer.
        rows = self.shape.rows(self.filter_queryset(self.published_records()))
        row = get_object_or_404(rows, **{self.lookup_field: value})
        if key is not None and compiled is None:
            compiled = CompiledLookup.of(rows, self.lookup_field)
            if compiled is not None:
                compiled_lookups.put(key, compiled)
        return [row]

    def _compiled_key(self, request: Request, *, page: bool = True) -> tuple[Any, ...] | None:
        """What names a list page's compiled query or a record's (registry/compiled.py): None when the query
        must be built afresh (compiled queries off, a filter that reads the clock, or, for a page, no write
        recorded yet: its count and search decision are cached until the next write)."""
        if not settings.API_COMPILED_QUERIES:
            return None
        changed = last_change() if page else None
        if page and changed is None:
            return None
        query = request.query_params
        filterset_class = getattr(self, "filterset_class", None)
        if any(name in query for name in getattr(filterset_class, "volatile_filters", ())):
            return None
        if not page and any(name in query for name in getattr(filterset_class, "base_filters", ())):
            return None  # a record found through a search: compiled with the page's rules only
        lists = tuple(sorted((name, tuple(values)) for name, values in query.lists()))
        # A record's query does not change with the records: only a page's count and search do.
        # The shape names the query's columns.
        return (type(self), self.shape, self.action, changed if page else None, get_language(), lists)

    @property
    def _pagination(self) -> RegistryPagination:
        """The viewset's paginator, a RegistryPagination (pagination_class)."""
        return cast(RegistryPagination, self.paginator)

    def _compiled_page(self) -> CompiledPage | None:
        """The compiled query of the page `paginate_queryset` has just read (None for a deep page, or one
        whose rows need more than their SQL)."""
        pagination = self._pagination
        paginator = pagination.capped_paginator
        query = paginator.page_query
        compiled = compiled_values(query)
        if query is None or compiled is None:
            return None
        sql, params, names = compiled
        return CompiledPage(
            sql=sql,
            params=params,
            names=names,
            using=query.db,
            number=cast(Page, pagination.page).number,
            per_page=paginator.per_page,
            count=paginator.count,
            capped=paginator.capped,
            outcome=getattr(pagination.request, "search_outcome", None),
        )

    def _page_from_compiled(self, compiled: CompiledPage, request: Request) -> Rows:
        """What `paginate_queryset` gives, from its compiled query: the page's rows, read by its SQL."""
        pagination = self._pagination
        pagination.request = request
        paginator = CappedPaginator([], compiled.per_page)
        paginator.__dict__["count"] = compiled.count  # a cached_property: what the compiled page counted
        paginator.capped = compiled.capped
        rows = compiled.rows()
        page: Page
        if compiled.capped:  # a capped page reads one row more, to know whether another follows
            page = CappedPage(rows[: compiled.per_page], compiled.number, paginator)
            page.more = len(rows) > compiled.per_page
        else:
            page = Page(rows, compiled.number, paginator)
        pagination.page = page
        return list(page)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record is still in use by other records."
    default_code = "conflict"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since the version in If-Match."
    default_code = "precondition_failed"


def check_if_match(request: Request, record: PublishableModel) -> int | None:
    """Refuse the write (412) unless `If-Match`, when given, names the record's current ETag.

    RFC 9110's strong comparison: the record's own version ETag (`record.etag`, as writes answer
    it) must be among the tags, exactly; a weak tag (`W/"..."`), a bare version number or another
    record's ETag never matches. `*` matches the record, which exists. Answers the version matched
    (None without a condition). Call inside the write's transaction: check_version() locks the
    row until it commits, so a write between reading the record and the lock is still refused.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    tags = parse_etags(header)
    if tags == ["*"]:
        return None
    if record.etag not in tags:
        stale = _stale_version(record, tags)
        if stale is not None:
            raise PreconditionFailed(str(StaleRecordError(record, stale, record.version)))
        raise PreconditionFailed(f"If-Match must be this record's current ETag, {record.etag}.")
    try:
        record.check_version(record.version)
    except StaleRecordError as error:
        raise PreconditionFailed(str(error)) from None
    return record.version


def _stale_version(record: models.Model, tags: list[str]) -> int | None:
    """The version of this record that a strong tag among `tags` names, if one does."""
    own = re.compile(rf'"{re.escape(record._meta.label_lower)}-{record.pk}-v(\d+)"')
    for tag in tags:
        if matched := own.fullmatch(tag):
            return int(matched.group(1))
    return None


class CSVRenderer(BaseRenderer):
    """Lets clients ask for `text/csv`; the export itself streams and bypasses rendering."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        return JSONRenderer().render(data)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The header and one line per row of cells, produced one at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(list(header))  # BOM: Excel reads UTF-8
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


def _cell(value: Any) -> Any:
    # Text a spreadsheet would run as a formula is written as text (CSV injection).
    return "" if value is None else safe_cell(value)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="The value to pass to the filter parameter.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    count = serializers.IntegerField()


_BAD_REQUEST = OpenApiResponse(
    response=ERROR_SCHEMA,
    description="A parameter or field has a bad value; the body names it, with messages.",
)


TRANSITION_ACTIONS = ("submit", "publish", "unpublish", "return_to_draft", "archive")


class TransitionSerializer(serializers.Serializer):
    """A transition's body: optional, but a JSON object when given."""

    reason = TextField(
        required=False, allow_blank=True, help_text="Why (needed to return a record to draft)."
    )


class CanEditRecord(ReadOrModelPermissions):
    """Model permissions, and for a write to one record the workflow's rule as in the admin:
    contributors edit drafts only; whoever may publish a record may edit it in any state."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return user_can_edit(request.user, obj)


class StorableLookupMixin(_ViewSet):
    """A detail address whose lookup value PostgreSQL cannot hold (NUL) names no record: 404.

    Any segment reaches the view (lookup_value_regex); a NUL in a query parameter is an error
    before it meets the database, but the lookup value went to it as it came and answered 500.
    Checked after authentication and permissions, so a write still answers 401 or 403 first.
    """

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if isinstance(value, str) and "\x00" in value:
            raise NotFound()


class CSVListMixin(_ViewSet):
    """A list asked for as CSV (`?format=csv`, a `.csv` suffix or `Accept: text/csv`) answers the
    CSV export of the same filters: every matching record, not one page."""

    def export_csv(
        self, request: Request, parameters: frozenset[str] = EXPORT_PARAMETERS
    ) -> StreamingHttpResponse:
        raise NotImplementedError

    def get_renderers(self) -> list[BaseRenderer]:
        renderers = super().get_renderers()
        # The list's, and a method the address does not take (no action), which must answer 405
        # for the list's own format rather than a 404 for an unknown one.
        if self.action in ("list", None):
            renderers.append(CSVRenderer())
        return renderers

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.accepted_renderer.format == CSVRenderer.format:
            # Every matching record: a list's page parameters are taken, and do not apply.
            return self.export_csv(request, LIST_PARAMETERS)
        return super().list(request, *args, **kwargs)


class PublicRecordViewSet(
    CSVListMixin, StorableLookupMixin, ConditionalGetMixin, ShapeReadMixin, viewsets.ModelViewSet
):
    """Published records for everyone; drafts and writes for curators with model permissions."""

    lookup_field = "slug"
    # Any segment reaches the view, so an unknown slug is a JSON 404 rather than an HTML page;
    # except the collection's own addresses (facets/), which no record's slug can be. The OpenAPI
    # schema gives the same pattern for the slug.
    lookup_value_regex = "(?!(?:{})(?:/|$))[^/]+".format("|".join(sorted(RESERVED_SLUGS)))
    # Writes take JSON only: a form body cannot say null (to clear a link) nor carry a list of
    # objects (a partnership's participants), and the schema then documents the one format.
    parser_classes = [RegistryJSONParser]
    filter_backends = [RegistryFilterBackend]
    pagination_class = RegistryPagination
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    model: type[PublishableModel]
    serializer_class: type[serializers.Serializer]  # the read answers' schema: ShapeAnswer
    write_serializer_class: type[serializers.ModelSerializer]
    filterset_class: type[RegistryFilterSet]
    export_filename = "export"

    def get_queryset(self) -> models.QuerySet:
        if self.action in ("update", "partial_update", "destroy", *TRANSITION_ACTIONS):
            # Curators may edit drafts; the permission classes have already checked them.
            return self.model.objects.all()
        return self.published_records()

    def published_records(self) -> models.QuerySet:
        """What anyone may read: the published records, without their search columns."""
        return self.model.objects.published().defer(*search_columns(self.model))

    def get_serializer_class(self) -> type[serializers.Serializer]:
        # The read serializer only describes the shape's answers in the schema: a form or an
        # OPTIONS answer about a write (the browsable API's, with the method overridden) gets the
        # write serializer, which reads records.
        if self.action in ("create", "update", "partial_update") or (
            getattr(self, "request", None) is not None and self.request.method not in permissions.SAFE_METHODS
        ):
            return self.write_serializer_class
        return self.serializer_class

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action in TRANSITION_ACTIONS:
            # The workflow services check the model's submit/publish/archive permission.
            return [permissions.IsAuthenticated()]
        return [CanEditRecord()]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(created_by=self.request.user, updated_by=self.request.user, status=Status.DRAFT)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            check_if_match(request, self.get_object())
            response = super().update(request, *args, **kwargs)
        return self._with_version(response)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.save(updated_by=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._with_version(super().create(request, *args, **kwargs))

    def _with_version(self, response: Response) -> Response:
        """Written records answer with their version ETag, for the next write's If-Match."""
        slug = response.data.get("slug") if isinstance(response.data, dict) else None
        # Every record model has a slug (PublishableModel itself has none).
        by_slug = {"slug": slug}
        record = self.model.objects.filter(**by_slug).only("pk", "version").first() if slug else None
        if record is not None:
            response["ETag"] = record.etag
        return response

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # One transaction: check_if_match() locks the row until the delete commits.
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance: PublishableModel) -> None:
        check_if_match(self.request, instance)
        try:
            instance.delete()
        except ProtectedError as error:
            names = ", ".join(sorted({str(obj) for obj in error.protected_objects})[:5])
            raise Conflict(f"Still linked from: {names}.") from None

    def _transition(self, request: Request, name: str) -> Response:
        record = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            # Permission before precondition (RFC 9110 13.2.1): without the transition's permission,
            # record_transition() answers 403 whatever If-Match says.
            allowed = user_can(request.user, record, TRANSITIONS[name].permission)
            expected = check_if_match(request, record) if allowed else None
            try:
                record_transition(
                    record=record,
                    transition=name,
                    user=request.user,
                    reason=body.validated_data.get("reason", ""),
                    expected_version=expected,
                )
            except TransitionNotAllowed as error:
                raise Conflict(str(error)) from None
            except StaleRecordError as error:
                raise PreconditionFailed(str(error)) from None
        data = self.write_serializer_class(record, context=self.get_serializer_context()).data
        if name == "publish" and (warnings := publish_warnings(record)):
            data["warnings"] = warnings  # no source; partners its public page leaves out
        response = Response(data)
        response["ETag"] = record.etag
        return response

    @action(detail=True, methods=["post"])
    def submit(self, request: Request, slug: str | None = None) -> Response:
        """Send a draft for review (needs the model's submit permission)."""
        return self._transition(request, "submit")

    @action(detail=True, methods=["post"])
    def publish(self, request: Request, slug: str | None = None) -> Response:
        """Publish the record (needs the model's publish permission)."""
        return self._transition(request, "publish")

    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, slug: str | None = None) -> Response:
        """Return the record to draft, off the public API and site (needs the publish permission)."""
        return self._transition(request, "unpublish")

    @action(detail=True, methods=["post"], url_path="return-to-draft")
    def return_to_draft(self, request: Request, slug: str | None = None) -> Response:
        """Send a record in review back to its author with a `reason` (needs the publish permission)."""
        return self._transition(request, "return_to_draft")

    @action(detail=True, methods=["post"])
    def archive(self, request: Request, slug: str | None = None) -> Response:
        """Archive the record (needs the model's archive permission)."""
        return self._transition(request, "archive")

    def _valid_filterset(self, request: Request, parameters: frozenset[str] = EXPORT_PARAMETERS) -> Any:
        refuse_unknown_parameters(request, self.filterset_class, parameters)
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise invalid(filterset)
        return filterset

    @action(detail=False, methods=["get"], pagination_class=None)
    def facets(self, request: Request) -> Response:
        """How many records each filter value would give, each facet under every other filter."""
        filterset = self._valid_filterset(request)
        return Response(cached_facet_counts(filterset))

    @action(
        detail=False,
        methods=["get"],
        url_path="export.csv",
        url_name="export",
        renderer_classes=[JSONRenderer, CSVRenderer],
    )
    def export(self, request: Request) -> StreamingHttpResponse:
        """Every matching published record as CSV, streamed; labels beside codes."""
        return self.export_csv(request)

    def export_csv(
        self, request: Request, parameters: frozenset[str] = EXPORT_PARAMETERS
    ) -> StreamingHttpResponse:
        try:
            filterset = self._valid_filterset(request, parameters)
        except ValidationError:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
            raise
        lines = csv_lines(self.shape.csv_header, self.shape.csv_rows(filterset.qs, request))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.export_filename}.csv"'
        return response


def record_viewset(
    shape: RecordShape, filterset_class: type[FilterSet], write: type[serializers.Serializer]
) -> type[PublicRecordViewSet]:
    """The API's viewset of one record type (`PartnershipViewSet`), with its OpenAPI descriptions.

    The shape names the model, makes the answers and describes them in the schema
    (registry/openapi.py ShapeAnswer), `write` takes the writes; the CSV export is named after
    the model's plural (`people.csv`).
    """
    model = shape.model
    viewset = type(
        f"{model.__name__}ViewSet",
        (PublicRecordViewSet,),
        {
            "model": model,
            "serializer_class": ShapeAnswer,
            "write_serializer_class": write,
            "filterset_class": filterset_class,
            "shape": shape,
            "export_filename": str(model._meta.verbose_name_plural),
        },
    )
    return _document(viewset, model.__name__)


def _document(viewset: type[PublicRecordViewSet], name: str) -> type[PublicRecordViewSet]:
    facets = inline_serializer(
        f"{name}Facets", {facet: FacetValueSerializer(many=True) for facet in viewset.filterset_class.facets}
    )
    read, write = viewset.serializer_class, viewset.write_serializer_class
    not_found = OpenApiResponse(description="No published record has this slug.")
    denied = OpenApiResponse(description="Not signed in (401) or not allowed (403).")
    too_many = OpenApiResponse(description="Too many requests: wait for the seconds in Retry-After.")
    no_page = OpenApiResponse(description="No such page.")
    in_use = OpenApiResponse(description="Still linked from other records.")
    not_now = OpenApiResponse(description="The record's state does not allow this transition.")
    stale = OpenApiResponse(description="If-Match names a version that is no longer current.")
    csv_file = OpenApiResponse(response=OpenApiTypes.STR, description="CSV, one row per record.")
    not_json = OpenApiResponse(response=ERROR_SCHEMA, description="The body is not JSON.")
    refused = {401: denied, 403: denied}
    written = {400: _BAD_REQUEST, **refused, 415: not_json}
    # The record after a transition; a publish may add what the curator should know (no source,
    # partners the public cannot see: partnerships.services.publish_warnings).
    transitioned = type(
        f"{name}AfterTransition",
        (write,),
        {
            "warnings": serializers.ListField(
                child=serializers.CharField(),
                read_only=True,
                required=False,
                help_text="Present after a publish that the curator should know about.",
            ),
            "Meta": type("Meta", (write.Meta,), {"fields": [*write.Meta.fields, "warnings"]})
            if isinstance(getattr(write.Meta, "fields", None), list | tuple)
            else write.Meta,
        },
    )
    detail = ShapeDetailAnswer if issubclass(viewset.model, SearchableModel) else read
    return extend_schema_view(
        list=extend_schema(responses={200: read(many=True), 400: _BAD_REQUEST, 404: no_page, 429: too_many}),
        retrieve=extend_schema(responses={200: detail, 404: not_found, 429: too_many}),
        create=extend_schema(request=write, responses={201: write, **written}),
        update=extend_schema(request=write, responses={200: write, 404: not_found, 412: stale, **written}),
        partial_update=extend_schema(
            request=write, responses={200: write, 404: not_found, 412: stale, **written}
        ),
        destroy=extend_schema(responses={204: None, 404: not_found, 409: in_use, **refused}),
        **{
            name: extend_schema(
                request=TransitionSerializer,
                responses={200: transitioned, **written, 404: not_found, 409: not_now, 412: stale},
            )
            for name in TRANSITION_ACTIONS
        },
        facets=extend_schema(filters=True, responses={200: facets, 400: _BAD_REQUEST, 429: too_many}),
        export=extend_schema(
            filters=True, responses={(200, "text/csv"): csv_file, 400: _BAD_REQUEST, 429: too_many}
        ),
    )(viewset)


class ReferenceViewSet(StorableLookupMixin, ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """A reference vocabulary: read-only, paginated like everything else."""

    pagination_class = RegistryPagination
    filter_backends: list[Any] = []
    lookup_value_regex = "[^/]+"


def reference_viewset(
    queryset: models.QuerySet,
    serializer_class: type[serializers.Serializer],
    doc: str = "",
    lookup_field: str = "code",
    name: str = "",
) -> type[ReferenceViewSet]:
    """The API's read-only viewset of one reference vocabulary (`RegionViewSet`), described by
    `doc` in the schema and named `name` (by default the model's name)."""
    return type(
        f"{name or queryset.model.__name__}ViewSet",
        (ReferenceViewSet,),
        {
            "queryset": queryset,
            "serializer_class": serializer_class,
            "lookup_field": lookup_field,
            "__doc__": doc,
        },
    )


class RegistryRouter(DefaultRouter):
    """The default router, except that file-like actions (`export.csv`) take no trailing slash."""

    def _get_dynamic_route(self, route: Any, action: Any) -> Any:
        route = super()._get_dynamic_route(route, action)
        if re.search(r"\.\w+$", action.url_path):
            route = route._replace(url=route.url.replace("{trailing_slash}", ""))
        return route
