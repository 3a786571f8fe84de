"""The W3C Reconciliation Service API, version 0.2 (the one OpenRefine speaks), for any record type.

A domain app describes one service (`ReconciliationService`: how to reconcile a batch of queries,
which records may be named, what can be fetched of them) and mounts it with `service_urls()`; this
module speaks the protocol:

- `GET <service>`: the manifest;
- `GET|POST <service>?queries={...}`: a batch of at most `MAX_QUERIES` queries, answered in order;
- `GET|POST <service>?extend={...}`: property values of at most `MAX_IDS` records (data extension);
- `<service>/suggest/entity|type|property?prefix=`: auto-completion for OpenRefine's inputs;
- `<service>/preview?id=`: a small HTML card shown in OpenRefine's pop-up (the only page here that
  may be framed by another site);
- `<service>/extend/propose?type=`: the properties OpenRefine offers to fetch.

Every query batch and extension query is checked against the specification's JSON Schemas
(`registry/data/reconciliation/0.2/`, vendored): one that does not fit is a 400 naming where. Only
published records are ever named, suggested, previewed or extended; an identifier the service does
not know gives no values, as the protocol asks. The POSTs are CSRF-exempt: they change nothing and
carry no session (OpenRefine sends them from its server).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from csp.decorators import csp_replace
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

VERSION = "0.2"
SCHEMAS = Path(__file__).resolve().parent / "data" / "reconciliation" / VERSION
MAX_QUERIES = 100  # a batch OpenRefine sends holds 10 by default; 100 answers within 2 s at scale 1
MAX_IDS = 500
MAX_LIMIT = 25
DEFAULT_LIMIT = 5
MAX_PREFIX = 200
SUGGESTIONS = 10


class ReconciliationError(Exception):
    """A request the service refuses, as a 400: `errors` maps a query's key (or a parameter) to
    what is wrong with it."""

    def __init__(self, detail: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = dict(errors or {})


@functools.cache
def schema(name: str) -> dict[str, Any]:
    """One of the specification's schemas, by file name without `.json`."""
    return json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))


@functools.cache
def validator(name: str) -> Draft7Validator:
    """A validator for one of the schemas, resolving their references to each other (the manifest's
    `type.json`) among the vendored files only."""
    resources = []
    for file in sorted(SCHEMAS.glob("*.json")):
        contents = json.loads(file.read_text(encoding="utf-8"))
        resources.append((contents["$id"], DRAFT7.create_resource(contents)))
    return Draft7Validator(schema(name), registry=Registry().with_resources(resources))


def schema_errors(name: str, instance: Any) -> list[str]:
    """What keeps `instance` from fitting the schema `name`, each as `where: why`, or []."""
    try:
        errors = sorted(
            validator(name).iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]
        )
    except RecursionError:  # nested deeper than validation goes: no batch needs that
        return ["(top): nested too deeply."]
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors[:10]]


@dataclass(frozen=True)
class Property:
    """A property of a record: offered to refine queries (`queryable`) and fetched by data
    extension. `entity` is the `(type id, type name)` of its values when they are records (of this
    service or another of the registry's)."""

    id: str
    name: str
    description: str = ""
    entity: tuple[str, str] | None = None
    queryable: bool = False

    def as_dict(self) -> dict[str, str]:
        entry = {"id": self.id, "name": self.name}
        if self.description:
            entry["description"] = self.description
        return entry


@dataclass
class Query:
    """One query of a batch, checked: the text, at most `limit` candidates, the type ids asked for
    and the property values `(pid, [values])` given to refine it."""

    key: str
    text: str
    limit: int
    types: list[str] = field(default_factory=list)
    properties: list[tuple[str, list[Any]]] = field(default_factory=list)

    def values(self, pid: str) -> list[Any]:
        return [value for name, values in self.properties if name == pid for value in values]


@dataclass
class Result:
    """One candidate: the record, its score (0 to 1), whether it is surely the one (`match`), the
    features behind the score and its types (`[{"id", "name"}]`)."""

    record: Any
    score: float
    match: bool = False
    features: list[dict[str, Any]] = field(default_factory=list)


class ReconciliationService:
    """What a domain app provides for one record type. Subclasses set the class attributes and
    implement `reconcile`, `records`, `suggest`, `describe` and `values`."""

    slug: str  # its address: /api/v1/reconcile/<slug>
    name: str  # the manifest's name
    type_id: str
    type_name: str
    detail_url_name: str  # the record's public page, reversed with `slug=`
    properties: tuple[Property, ...] = ()
    preview_size = (420, 200)

    # What a subclass implements.
    def reconcile(self, queries: list[Query]) -> list[list[Result]]:
        """The candidates of each query, best first, in the queries' order."""
        raise NotImplementedError

    def records(self, ids: list[str]) -> dict[str, Any]:
        """`{id: record}` of the published records the ids name (following merges), in few queries."""
        raise NotImplementedError

    def suggest(self, prefix: str, limit: int) -> list[Any]:
        """Published records whose names start with `prefix`, best first."""
        raise NotImplementedError

    def identifier(self, record: Any) -> str:
        return str(record.slug)

    def label(self, record: Any) -> str:
        return str(record)

    def describe(self, record: Any) -> str:
        """A line that tells namesakes apart (country, type)."""
        return ""

    def types_of(self, record: Any) -> list[dict[str, str]]:
        return [{"id": self.type_id, "name": self.type_name}]

    def types(self) -> list[dict[str, str]]:
        """Every type id a query may name: the service's own first."""
        return [{"id": self.type_id, "name": self.type_name}]

    def values(self, records: list[Any], pids: list[str]) -> dict[int, dict[str, list[dict[str, Any]]]]:
        """`{record.pk: {pid: [value, ...]}}`, each value `{"str": ...}`, `{"date": ...}` or, for an
        entity property, `{"id", "name"}`."""
        raise NotImplementedError

    def preview_facts(self, record: Any) -> list[tuple[str, str]]:
        """`(label, value)` lines of the preview card."""
        return []

    # The protocol.
    def manifest(self, request: HttpRequest) -> dict[str, Any]:
        base = request.build_absolute_uri("/").rstrip("/")
        service = base + reverse(f"reconcile-{self.slug}")
        view = base + reverse(self.detail_url_name, kwargs={"slug": "__id__"}).replace("__id__", "{{id}}")
        width, height = self.preview_size
        suggest = {
            kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        }
        return {
            "versions": [VERSION],
            "name": self.name,
            "identifierSpace": view.split("{{id}}")[0],
            "schemaSpace": service + "/extend/propose",
            "documentation": base + reverse("about-api") + "#reconciliation",
            "view": {"url": view},
            "defaultTypes": [{"id": self.type_id, "name": self.type_name}],
            "preview": {"url": service + "/preview?id={{id}}", "width": width, "height": height},
            "suggest": suggest,
            "extend": {
                "propose_properties": {"service_url": service, "service_path": "/extend/propose"},
                "property_settings": [],
            },
        }

    def answer(self, batch: Any) -> dict[str, Any]:
        """The result batch for a query batch (already parsed from JSON)."""
        queries = self.checked_queries(batch)
        found = self.reconcile(queries) if queries else []
        return {
            query.key: {"result": [self.result(result) for result in results]}
            for query, results in zip(queries, found, strict=True)
        }

    def checked_queries(self, batch: Any) -> list[Query]:
        problems = schema_errors("reconciliation-query-batch", batch)
        if problems:
            raise ReconciliationError(
                "The queries do not fit the reconciliation API's schema.", {"queries": problems}
            )
        if len(batch) > MAX_QUERIES:
            raise ReconciliationError(
                f"A batch holds at most {MAX_QUERIES} queries (this one has {len(batch):,})."
            )
        known_types = {t["id"] for t in self.types()}
        known_properties = {p.id for p in self.properties if p.queryable}
        errors: dict[str, list[str]] = {}
        queries = []
        for key, raw in batch.items():
            problems = []
            limit = raw.get("limit", DEFAULT_LIMIT)
            if limit != int(limit) or not 1 <= limit <= MAX_LIMIT:
                problems.append(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
                limit = DEFAULT_LIMIT
            types = raw.get("type") or []
            types = [types] if isinstance(types, str) else list(types)
            problems += [f"{t!r} is not a type of this service." for t in types if t not in known_types]
            properties = []
            for entry in raw.get("properties", []):
                if entry["pid"] not in known_properties:
                    problems.append(f"{entry['pid']!r} is not a property a query can give.")
                    continue
                values = entry["v"] if isinstance(entry["v"], list) else [entry["v"]]
                values = [v["id"] if isinstance(v, dict) else v for v in values]
                properties.append((entry["pid"], [v for v in values if str(v).strip()]))
            text = raw.get("query", "")
            if not text.strip() and not any(values for _pid, values in properties):
                problems.append("Give the text to match, or a property to match by.")
            if problems:
                errors[key] = problems
            else:
                queries.append(Query(key, text, int(limit), types, properties))
        if errors:
            raise ReconciliationError("Some queries cannot be answered.", errors)
        try:
            self.check(queries)
        except ValidationError as error:
            raise ReconciliationError("Some queries cannot be answered.", error.message_dict) from error
        return queries

    def check(self, queries: list[Query]) -> None:
        """Refuse what only the domain can judge (a name with control characters, an unknown country):
        raise a ValidationError whose keys are the queries' keys."""

    def result(self, result: Result) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": self.identifier(result.record),
            "name": self.label(result.record),
            "score": result.score,
            "match": result.match,
            "type": self.types_of(result.record),
        }
        description = self.describe(result.record)
        if description:
            entry["description"] = description
        if result.features:
            entry["features"] = result.features
        return entry

    def extend(self, query: Any) -> dict[str, Any]:
        problems = schema_errors("data-extension-query", query)
        if problems:
            raise ReconciliationError(
                "The extension query does not fit the reconciliation API's schema.", {"extend": problems}
            )
        ids, wanted = query["ids"], [p["id"] for p in query["properties"]]
        if len(ids) > MAX_IDS:
            raise ReconciliationError(f"Ask for at most {MAX_IDS} ids at once (this asks for {len(ids):,}).")
        by_id = {p.id: p for p in self.properties}
        unknown = [pid for pid in wanted if pid not in by_id]
        if unknown:
            raise ReconciliationError(
                "Unknown properties.",
                {"properties": [f"{pid!r} is not a property of this service." for pid in unknown]},
            )
        found = self.records(list(dict.fromkeys(ids)))
        values = self.values(list({r.pk: r for r in found.values()}.values()), wanted)
        meta = []
        for pid in wanted:
            entry: dict[str, Any] = by_id[pid].as_dict()
            entry.pop("description", None)
            entity = by_id[pid].entity
            if entity is not None:
                entry["type"] = {"id": entity[0], "name": entity[1]}
            meta.append(entry)
        rows = {}
        for identifier in ids:
            record = found.get(identifier)
            of_record = values.get(record.pk, {}) if record is not None else {}
            rows[identifier] = {pid: of_record.get(pid, []) for pid in wanted}
        return {"meta": meta, "rows": rows}

    def propose(self, type_id: str, limit: int | None) -> dict[str, Any]:
        proposed = [p.as_dict() for p in self.properties]
        answer: dict[str, Any] = {"type": type_id or self.type_id, "properties": proposed[:limit]}
        if limit is not None:
            answer["limit"] = limit
        return answer

    def suggested_entities(self, prefix: str, cursor: int) -> dict[str, Any]:
        records = self.suggest(prefix, cursor + SUGGESTIONS)[cursor:]
        result = []
        for record in records:
            entry: dict[str, Any] = {
                "id": self.identifier(record),
                "name": self.label(record),
                "notable": self.types_of(record),
            }
            description = self.describe(record)
            if description:
                entry["description"] = description
            result.append(entry)
        return {"result": result}

    def suggested(self, entries: Iterable[dict[str, str]], prefix: str, cursor: int) -> dict[str, Any]:
        typed = prefix.casefold()
        chosen = [e for e in entries if typed in e["name"].casefold() or e["id"].casefold().startswith(typed)]
        return {"result": chosen[cursor : cursor + SUGGESTIONS]}


def _error(error: ReconciliationError) -> JsonResponse:
    body: dict[str, Any] = {"detail": error.detail}
    if error.errors:
        body["errors"] = error.errors
    return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})


def _answer(body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _parameter(request: HttpRequest, name: str) -> str | None:
    return (
        request.POST.get(name) if request.method == "POST" and name in request.POST else request.GET.get(name)
    )


def _json_parameter(request: HttpRequest, name: str) -> Any:
    raw = _parameter(request, name)
    try:
        return json.loads(raw or "")
    except ValueError as error:
        raise ReconciliationError(f"{name} is not JSON: {error}.", {name: ["Send a JSON object."]}) from error
    except RecursionError as error:  # nested deeper than the parser goes
        raise ReconciliationError(f"{name} is nested too deeply.", {name: ["Send a JSON object."]}) from error


def _cursor(request: HttpRequest) -> int:
    raw = request.GET.get("cursor", "0")
    if not raw.isdigit() or int(raw) > 1000:
        raise ReconciliationError("cursor must be a whole number from 0 to 1000.", {"cursor": ["Invalid."]})
    return int(raw)


def _prefix(request: HttpRequest) -> str:
    prefix = request.GET.get("prefix", "")
    if len(prefix) > MAX_PREFIX or any(ord(c) < 32 for c in prefix):
        raise ReconciliationError(
            f"prefix must be one line of at most {MAX_PREFIX} characters.", {"prefix": ["Invalid."]}
        )
    return prefix.strip()


@method_decorator([csrf_exempt, never_cache], name="dispatch")
class ServiceView(View):
    """The service's one address: manifest, query batches and data extension."""

    http_method_names = ["get", "post", "head", "options"]
    service: ReconciliationService = cast(ReconciliationService, None)  # given to as_view()

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            if _parameter(request, "queries") is not None:
                return _answer(self.service.answer(_json_parameter(request, "queries")))
            if _parameter(request, "extend") is not None:
                return _answer(self.service.extend(_json_parameter(request, "extend")))
        except ReconciliationError as error:
            return _error(error)
        return _answer(self.service.manifest(request))

    post = get


class SuggestView(View):
    http_method_names = ["get", "head", "options"]
    service: ReconciliationService = cast(ReconciliationService, None)  # given to as_view()
    kind = "entity"

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            prefix, cursor = _prefix(request), _cursor(request)
        except ReconciliationError as error:
            return _error(error)
        if self.kind == "entity":
            return _answer(self.service.suggested_entities(prefix, cursor) if prefix else {"result": []})
        entries = (
            self.service.types() if self.kind == "type" else [p.as_dict() for p in self.service.properties]
        )
        return _answer(self.service.suggested(entries, prefix, cursor))


@method_decorator([xframe_options_exempt, csp_replace({"frame-ancestors": ["*"]})], name="dispatch")
class PreviewView(View):
    """The card OpenRefine shows in its pop-up: framed by OpenRefine's own page, on any host."""

    http_method_names = ["get", "head", "options"]
    service: ReconciliationService = cast(ReconciliationService, None)  # given to as_view()

    def get(self, request: HttpRequest) -> HttpResponse:
        identifier = request.GET.get("id", "")
        record = self.service.records([identifier]).get(identifier) if identifier else None
        if record is None:
            return HttpResponse("Not found.", status=404, content_type="text/plain; charset=utf-8")
        context = {
            "record": record,
            "name": self.service.label(record),
            "description": self.service.describe(record),
            "facts": self.service.preview_facts(record),
            "url": request.build_absolute_uri(record.get_absolute_url()),
        }
        return render(request, "registry/reconciliation_preview.html", context)


class ProposeView(View):
    http_method_names = ["get", "head", "options"]
    service: ReconciliationService = cast(ReconciliationService, None)  # given to as_view()

    def get(self, request: HttpRequest) -> HttpResponse:
        type_id = request.GET.get("type", "")
        raw_limit = request.GET.get("limit", "")
        if raw_limit and not raw_limit.isdigit():
            return _error(ReconciliationError("limit must be a whole number.", {"limit": ["Invalid."]}))
        if type_id and type_id not in {t["id"] for t in self.service.types()}:
            return _error(
                ReconciliationError(
                    f"{type_id[:100]!r} is not a type of this service.", {"type": ["Unknown."]}
                )
            )
        return _answer(self.service.propose(type_id, int(raw_limit) if raw_limit else None))


def service_urls(service: ReconciliationService) -> list[URLPattern]:
    """The service's addresses, to include under `api/v1/reconcile/` in the project's URLconf."""
    name = f"reconcile-{service.slug}"
    suggest = [
        path(
            f"{service.slug}/suggest/{kind}",
            SuggestView.as_view(service=service, kind=kind),
            name=f"{name}-suggest-{kind}",
        )
        for kind in ("entity", "type", "property")
    ]
    return [
        path(service.slug, ServiceView.as_view(service=service), name=name),
        *suggest,
        path(f"{service.slug}/preview", PreviewView.as_view(service=service), name=f"{name}-preview"),
        path(f"{service.slug}/extend/propose", ProposeView.as_view(service=service), name=f"{name}-propose"),
    ]
