"""The OpenAPI schema validates, documents every filter, and the API keeps to it (schemathesis)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from django.urls import resolve
from django_filters.filters import QuerySetRequestMixin
from hypothesis import HealthCheck, settings
from rest_framework import serializers
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from registry.workflow import EARLIEST_DATE, EARLIEST_TIME, LATEST_DATE, LATEST_TIME
from sscregistry.wsgi import application

# Loaded at import time: schemathesis' pytest fixture loader does not work with pytest 9. Building
# the schema reads no database rows, so this runs before the test database exists.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.mark.django_db
def test_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_documents_every_filter_with_allowed_values():
    operation = schema.raw_schema["paths"]["/api/v1/partnerships/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    expected = {
        "q", "platform", "modality", "status", "sdg", "target", "country", "region", "partner",
        "partner_type", "role", "started_after", "started_before", "active_on", "ordering",
        "page", "page_size",
    }  # fmt: skip
    assert expected <= parameters.keys()
    assert all(parameters[name].get("description") for name in expected - {"page"})
    assert set(parameters["role"]["schema"]["items"]["enum"]) >= {"1", "pivotal"}
    assert "400" in operation["responses"] and "429" in operation["responses"]
    events = {p["name"]: p for p in schema.raw_schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert events["when"]["schema"]["enum"] == ["past", "upcoming"]
    assert "/api/v1/partnerships/export.csv" in schema.raw_schema["paths"]
    assert "/api/v1/partnerships/facets/" in schema.raw_schema["paths"]


def test_every_repeatable_filter_says_the_type_of_its_values():
    untyped = [
        (path, parameter["name"])
        for path, operations in schema.raw_schema["paths"].items()
        for parameter in operations.get("get", {}).get("parameters", [])
        if parameter.get("schema", {}).get("type") == "array" and "type" not in parameter["schema"]["items"]
    ]
    assert untyped == []
    operation = schema.raw_schema["paths"]["/api/v1/partnerships/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["sdg"]["schema"]["items"] == {"type": "integer", "minimum": 1, "maximum": 17}
    assert parameters["partner"]["schema"]["items"] == {"type": "string"}
    assert parameters["region"]["schema"]["items"] == {"type": "string"}  # M49 codes such as 002


@pytest.mark.django_db
def test_docs_pages_use_local_assets(client):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in page
        assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
        # The site's Content-Security-Policy allows no inline script, so every script is a file.
        assert "<script>" not in page
    assert client.get("/api/v1/docs/", {"script": ""})["Content-Type"].startswith("application/javascript")


@pytest.fixture(scope="module")
def seed_data(django_db_setup, django_db_blocker):
    """The seed records once for the module (every operation runs over them), rolled back after."""
    from django.db import transaction

    from sscregistry.seed import load_seed_data

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_seed_data()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """Calling the WSGI app directly fires request_finished, which would close the connection
    holding the test's transaction; Django's own test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.include(method="GET").parametrize()
# Derandomised, so that CI runs the same examples every time (no flaky failures).
@settings(
    max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_api_keeps_to_its_schema(case, seed_data, db, wsgi_keeps_the_test_connection):
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )


@pytest.fixture(scope="module")
def curator_token(seed_data: None, django_db_blocker: Any) -> str:
    """A superuser's API token, inside the module's seed transaction (rolled back with it)."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    with django_db_blocker.unblock():
        user = User.objects.create_superuser("schemathesis", "st@example.org", "a-long-test-password")
        return Token.objects.create(user=user).key


# Body fields a model rule may refuse whatever their schema says: an end before the start
# (Event.clean, Partnership.clean), an identifier whose prefix org-id.guide does not list (its
# register is a data file of some thousand prefixes; the IATI identifier too), a ROR ID whose
# checksum does not fit or a Wikidata QID that is not one (both also accept their web address, so
# no pattern can say it), and a web address Django's URLValidator
# refuses though it is a `uri` (a host name longer than DNS allows, a scheme other than http(s) or
# ftp(s)): its field description says so.
MODEL_RULES = {"end", "end_date", "identifier", "iati_identifier", "ror_id", "wikidata_id", "website"}

# Query parameters of actions that are not filters but name a vocabulary entry by code, as filters
# do: a well-shaped code the registry does not know is a 400 naming the parameter.
ACTION_CODES = {"match": {"country", "type"}}


def _refusable(case: Any) -> dict[str, Any]:
    """The operation's inputs that may be refused though well-shaped: filters and body fields
    naming a vocabulary entry (curators may add to them in the admin) or a published record by
    code or slug, where the schema gives the shape and only the database knows which values exist,
    and the body fields of MODEL_RULES. Nested serializers (a partnership's participants) map to
    their own such fields."""
    match = resolve(re.sub(r"\{[^}]+\}", "x", case.operation.path))
    viewset = getattr(match.func, "cls", None)
    if viewset is None:
        return {}
    actions = getattr(match.func, "actions", None) or {}  # plain APIViews have none
    if case.method == "GET":
        filterset = getattr(viewset, "filterset_class", None)
        filters = filterset.base_filters.items() if filterset else []
        codes = ACTION_CODES.get(actions.get("get"), set())
        return {name: None for name, f in filters if isinstance(f, QuerySetRequestMixin)} | dict.fromkeys(
            codes
        )
    if actions.get(case.method.lower()) in ("create", "update", "partial_update"):
        serializer = viewset.write_serializer_class()
        rules = {name: None for name in MODEL_RULES if name in serializer.fields}
        return _linking_fields(serializer) | rules
    return {}


def _linking_fields(serializer: serializers.Serializer) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.RelatedField | serializers.ManyRelatedField):
            names[name] = None
        elif isinstance(field, serializers.ListSerializer):
            names[name] = _linking_fields(field.child)
    return names


def _blames_only(errors: Any, names: dict[str, Any]) -> bool:
    """Whether a 400 body names only these inputs (nested lists by item index)."""
    if not isinstance(errors, dict) or not errors:
        return False
    for name, messages in errors.items():
        if name not in names:
            return False
        nested = names[name]
        if nested is None:
            continue
        if not isinstance(messages, dict):
            return False  # a rule about the list as a whole
        if not all(_blames_only(item, nested) for item in messages.values()):
            return False
    return True


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _breaks_a_line(value: Any) -> bool:
    """Whether `value` holds a line break or control character, which one-line fields (titles,
    names: registry/fields.py) refuse and a schema's `type: string` cannot exclude."""
    if isinstance(value, str):
        return validate_single_line_refuses(value)
    if isinstance(value, dict):
        return any(_breaks_a_line(item) for item in value.values())
    if isinstance(value, list):
        return any(_breaks_a_line(item) for item in value)
    return False


def validate_single_line_refuses(text: str) -> bool:
    from django.core.exceptions import ValidationError

    from registry.fields import validate_single_line

    try:
        validate_single_line(text)
    except ValidationError:
        return True
    return False


def _outside_the_window(value: Any) -> bool:
    """Whether `value` is an ISO date or date-time outside the registry's window (registry/workflow.py),
    which JSON Schema's `format: date` cannot bound: the API refuses it with a 400 naming the input."""
    if not isinstance(value, str):
        return False
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        pass
    else:
        return not EARLIEST_DATE <= day <= LATEST_DATE
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    try:
        return not EARLIEST_TIME <= moment <= LATEST_TIME
    except OverflowError:  # an offset that takes it past year 1 or 9999
        return True


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def valid_data_accepted_unless_refused_by_design(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' positive_data_acceptance, except for the 400s that docs/api.md describes.

    A code or slug that names nothing (`country=XX`, a slug no published partner has) is a 400 by
    design (Filters), as are the model's own rules (Writes): the schema can give such an input's
    shape, not which rows exist nor how fields relate, so a well-shaped value may be refused.
    And PostgreSQL cannot store NUL, which strings in a schema may hold: a value with one is
    refused (the write serializers name no field for it). So is a date outside the registry's
    window, 1900 to 2199, which a `format: date` cannot bound, and a line break or control
    character in a one-line field (a title, a name). Any other 400 to schema-valid data fails."""
    if response.status_code == 400:
        refusable = _refusable(case)
        inputs = {**(case.query or {}), **(case.body if isinstance(case.body, dict) else {})}
        refusable |= {name: None for name, value in inputs.items() if _has_nul(value)}
        refusable |= {name: None for name, value in inputs.items() if _outside_the_window(value)}
        refusable |= {name: None for name, value in inputs.items() if _breaks_a_line(value)}
        if _has_nul(case.body):
            refusable["non_field_errors"] = None
        if _blames_only(_json(response), refusable):
            return None
    return positive_data_acceptance(ctx, response, case)


@schema.parametrize()
@settings(
    max_examples=10, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_every_operation_passes_every_check_with_a_token(
    case, curator_token, seed_data, db, wsgi_keeps_the_test_connection
):
    """All operations, writes included, signed in, under schemathesis' full set of checks, with
    positive_data_acceptance narrowed to leave out the refusals by design (see above)."""
    case.call_and_validate(
        headers={"Authorization": f"Token {curator_token}"},
        excluded_checks=[positive_data_acceptance],
        additional_checks=[valid_data_accepted_unless_refused_by_design],
    )
