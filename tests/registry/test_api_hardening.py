"""Hostile requests to the API answer a clear 4xx in JSON, never a 500, and change no record.

A NUL in a detail address, bodies nested 100,000 levels deep or larger than the upload limit,
If-Match headers that are not the record's own strong ETag, forged X-Forwarded-For headers, dates
outside the registry's window, and errors Django answers itself with DEBUG off.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import django_filters
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from rest_framework.test import APIClient

from events.models import Event
from partnerships.models import Partner, Partnership, Person
from registry.filters import RegistryFilterSet
from registry.parsers import MAX_JSON_DEPTH
from registry.throttling import client_address
from reports.models import Publication
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = {
    "partnerships": (Partnership, PartnershipFactory),
    "partners": (Partner, PartnerFactory),
    "people": (Person, PersonFactory),
    "events": (Event, EventFactory),
    "publications": (Publication, PublicationFactory),
}
REFERENCES = ["countries", "regions", "platforms", "organisation-types", "languages", "sdgs"]
TRANSITIONS = ["submit", "publish", "unpublish", "return-to-draft", "archive"]
NUL = "abc%00def"


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every record's id, version, status and slug: what a refused request must leave as it was."""
    return {
        model._meta.label: sorted(model.objects.values_list("pk", "version", "status", "slug"))
        for model, _ in RESOURCES.values()
    }


@pytest.fixture
def records() -> dict[str, Any]:
    """One published record of each kind (slug `target`), and another beside it (slug `other`)."""
    made = {}
    for resource, (_, factory) in RESOURCES.items():
        made[resource] = factory(slug="target")
        factory(slug="other")
    return made


@pytest.fixture
def superuser(django_user_model: Any) -> Any:
    """A superuser without a password (no password hashing: these tests make hundreds)."""
    return django_user_model.objects.create(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def nobody(django_user_model: Any) -> Any:
    """A signed-in account with no permission at all."""
    return django_user_model.objects.create(username="nobody", is_staff=True)


def _as(user: Any | None) -> APIClient:
    client = APIClient()
    client.raise_request_exception = False  # a 500 is an answer to assert on, not an error here
    if user is not None:
        client.force_authenticate(user)
    return client


def _is_json(response: Any) -> bool:
    if not response["Content-Type"].startswith("application/json"):
        return False
    json.loads(response.content)
    return True


DEEP = "[" * 100_000
DEEP_BUT_CLOSED = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
DEEP_IN_A_FIELD = '{"title": ' + "[" * 5_000 + "]" * 5_000 + "}"

# (role, method, address under /api/v1/<resource>/, body, status). Every one is replayed on every
# resource; the records must be as they were afterwards.
HOSTILE = [
    # A NUL in the slug: PostgreSQL cannot hold it, so no record has it.
    ("anonymous", "get", f"{NUL}/", None, 404),
    ("anonymous", "head", f"{NUL}/", None, 404),
    ("superuser", "get", f"{NUL}/", None, 404),
    ("superuser", "patch", f"{NUL}/", "{}", 404),
    ("superuser", "put", f"{NUL}/", "{}", 404),
    ("superuser", "delete", f"{NUL}/", None, 404),
    *(("superuser", "post", f"{NUL}/{action}/", "{}", 404) for action in TRANSITIONS),
    # Writes are refused before their body is read; anonymous ones ask for credentials.
    ("anonymous", "patch", f"{NUL}/", "{}", 401),
    ("anonymous", "post", "", DEEP, 401),
    ("nobody", "post", "", DEEP, 403),
    ("nobody", "patch", "target/", DEEP, 403),
    # A body nested deeper than the decoder's stack, or than MAX_JSON_DEPTH.
    ("superuser", "post", "", DEEP, 400),
    ("superuser", "post", "", DEEP_BUT_CLOSED, 400),
    ("superuser", "post", "", DEEP_IN_A_FIELD, 400),
    ("superuser", "patch", "target/", DEEP, 400),
    ("superuser", "put", "target/", DEEP, 400),
    ("superuser", "post", "target/archive/", DEEP, 400),
    # The transitions need only a sign-in before they read the body: the body is refused first.
    ("nobody", "post", "target/publish/", DEEP, 400),
    ("nobody", "post", "target/archive/", DEEP_BUT_CLOSED, 400),
    # Not JSON, or JSON that is not well formed.
    ("superuser", "post", "", "title=x", 415),
    ("superuser", "post", "", '{"title": ', 400),
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("role", "method", "address", "body", "status"), HOSTILE)
def test_hostile_requests_answer_4xx_and_change_nothing(
    records, superuser, nobody, resource, role, method, address, body, status
):
    client = _as({"anonymous": None, "superuser": superuser, "nobody": nobody}[role])
    before = _snapshot()
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": body, "content_type": "application/json"}
        if body == "title=x":
            kwargs["content_type"] = "application/x-www-form-urlencoded"

    response = getattr(client, method)(f"/api/v1/{resource}/{address}", **kwargs)

    assert response.status_code == status, response.content[:300]
    if method != "head":
        assert _is_json(response)
    assert _snapshot() == before


@pytest.mark.parametrize("resource", REFERENCES)
def test_a_nul_in_a_reference_code_is_a_404(resource):
    response = _as(None).get(f"/api/v1/{resource}/{NUL}/")
    assert response.status_code == 404
    assert _is_json(response)


def test_nesting_is_refused_with_a_message_saying_so(superuser):
    response = _as(superuser).post("/api/v1/partnerships/", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert f"nested more than {MAX_JSON_DEPTH} levels" in response.json()["detail"]


def test_ordinary_nesting_is_still_read(superuser):
    """A partnership with participants (an object in a list in an object) is well within the limit."""
    partner = PartnerFactory()
    body = {"title": "Nested", "participants": [{"partner": partner.slug, "role": "4"}]}
    response = _as(superuser).post("/api/v1/partnerships/", body, format="json")
    assert response.status_code == 201, response.content


def test_a_body_over_the_upload_limit_is_a_json_413(superuser, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DEBUG = False
    body = json.dumps({"title": "x" * 2000})
    response = _as(superuser).post("/api/v1/partnerships/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert "larger than 1000 bytes" in response.json()["detail"]
    assert not Partnership.objects.exists()


# If-Match: RFC 9110's strong comparison against the record's own version ETag.


def _if_match_cases(records: dict[str, Any], resource: str) -> dict[str, str]:
    target = records[resource]
    model = type(target)
    other = model.objects.get(slug="other")
    assert other.version == target.version  # the same number, another record
    return {
        "another record's ETag": other.etag,
        "a bare version number": str(target.version),
        "the record's ETag made weak": f"W/{target.etag}",
        "an older version": target.etag.replace(f"-v{target.version}", f"-v{target.version - 1}"),
        "a newer version": target.etag.replace(f"-v{target.version}", f"-v{target.version + 1}"),
        "the ETag without quotes": target.etag.strip('"'),
        "another model's ETag of the same id and version": target.etag.replace(
            model._meta.label_lower, "auth.user"
        ),
        "rubbish": '"abc"',
    }


WRITES = [
    ("patch", "target/", "{}"),
    ("delete", "target/", None),
    ("post", "target/archive/", "{}"),
]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "address", "body"), WRITES)
def test_if_match_must_be_the_records_own_strong_etag(records, superuser, resource, method, address, body):
    client = _as(superuser)
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    for case, header in _if_match_cases(records, resource).items():
        before = _snapshot()
        response = getattr(client, method)(f"/api/v1/{resource}/{address}", HTTP_IF_MATCH=header, **kwargs)
        assert response.status_code == 412, (case, response.content)
        assert _is_json(response)
        assert _snapshot() == before, case


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize(("method", "address", "body"), WRITES)
@pytest.mark.parametrize("header", ["own", "*", "a list holding it", "weak and strong"])
def test_if_match_with_the_records_etag_or_a_star_is_written(
    records, superuser, resource, method, address, body, header
):
    etag = records[resource].etag
    value = {
        "own": etag,
        "*": "*",
        "a list holding it": f'"abc", {etag}',
        "weak and strong": f"W/{etag}, {etag}",
    }[header]
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    response = getattr(_as(superuser), method)(f"/api/v1/{resource}/{address}", HTTP_IF_MATCH=value, **kwargs)
    assert response.status_code in (200, 204), response.content


def test_a_stale_etag_says_which_version_is_current(records, superuser):
    record = records["partnerships"]
    stale = record.etag
    assert _as(superuser).patch("/api/v1/partnerships/target/", {}, format="json").status_code == 200
    response = _as(superuser).patch("/api/v1/partnerships/target/", {}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert f"version {record.version}, it is now at version {record.version + 1}" in response.json()["detail"]


def test_without_the_permission_a_transition_is_403_whatever_if_match_says(records, nobody):
    response = _as(nobody).post("/api/v1/events/target/publish/", {}, format="json", HTTP_IF_MATCH='"abc"')
    assert response.status_code == 403


def test_get_keeps_its_etag_and_304(records):
    client = _as(None)
    first = client.get("/api/v1/partnerships/target/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/api/v1/partnerships/target/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db(transaction=True)
def test_delete_with_if_match_outside_a_test_transaction():
    """Requests run in autocommit: the row lock If-Match takes needs the delete's own transaction
    (this answered 500 while the test's transaction hid it)."""
    from django.contrib.auth.models import User

    client = _as(User.objects.create(username="root", is_staff=True, is_superuser=True))
    for resource, (model, factory) in RESOURCES.items():
        kept, gone = factory(slug="kept"), factory(slug="gone")
        stale = kept.etag
        kept.save()  # version 2
        refused = client.delete(f"/api/v1/{resource}/kept/", HTTP_IF_MATCH=stale)
        assert refused.status_code == 412, (resource, refused.content[:300])
        deleted = client.delete(f"/api/v1/{resource}/gone/", HTTP_IF_MATCH=gone.etag)
        assert deleted.status_code == 204, (resource, deleted.content[:300])
        assert list(model.objects.values_list("slug", flat=True)) == ["kept"]
        patched = client.patch(
            f"/api/v1/{resource}/kept/", "{}", content_type="application/json", HTTP_IF_MATCH="*"
        )
        assert patched.status_code == 200, (resource, patched.content[:300])
        moved = client.post(
            f"/api/v1/{resource}/kept/archive/",
            "{}",
            content_type="application/json",
            HTTP_IF_MATCH=patched["ETag"],
        )
        assert moved.status_code == 200, (resource, moved.content[:300])


# The client's address: X-Forwarded-For only as far as TRUSTED_PROXY_COUNT trusts it.


def _request(remote: str = "203.0.113.9", forwarded: str | None = None) -> Any:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "address"),
    [
        (0, None, "203.0.113.9"),
        (0, "198.51.100.1", "203.0.113.9"),
        (1, None, "203.0.113.9"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "198.51.100.1"),
        (1, " , ", "203.0.113.9"),
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(_request(forwarded=forwarded)) == address


def _throttled(settings: Any, rate: str = "2/minute") -> None:
    from django.core.cache import cache

    settings.API_ANON_THROTTLE_RATE = rate
    cache.clear()


def test_a_new_forwarded_address_gets_no_new_allowance(settings):
    _throttled(settings)
    client = _as(None)
    statuses = [
        client.get("/api/v1/sdgs/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


def test_a_forged_forwarded_address_cannot_spend_another_clients_allowance(settings):
    _throttled(settings)
    attacker, victim = _as(None), _as(None)
    for _ in range(3):
        attacker.get("/api/v1/sdgs/", REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert victim.get("/api/v1/sdgs/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_behind_one_proxy_the_address_it_saw_is_counted(settings):
    _throttled(settings)
    settings.TRUSTED_PROXY_COUNT = 1
    client = _as(None)
    proxy = "10.0.0.2"
    forged = [
        client.get(
            "/api/v1/sdgs/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.1"
        ).status_code
        for n in range(3)
    ]
    assert forged == [200, 200, 429]
    other = client.get("/api/v1/sdgs/", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/partnerships/", "/api/v1/events/target/", "/api/v1/sdgs/"])
def test_429_answers_carry_retry_after(records, settings, url):
    _throttled(settings, "1/minute")
    client = _as(None)
    assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert _is_json(response)


@pytest.mark.parametrize("proxies", [0, 1])
def test_the_login_lockout_reads_the_same_client_address(settings, proxies):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = proxies
    request = _request(forwarded="6.6.6.6, 198.51.100.1")
    assert get_client_ip_address(request) == client_address(request)


def test_the_proposal_forms_read_the_same_client_address(settings):
    from curation.views import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="6.6.6.6, 198.51.100.1")) == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded="6.6.6.6, 198.51.100.1")) == "203.0.113.9"


def test_drf_reads_the_client_address_as_the_throttle_does(settings):
    from rest_framework.request import Request
    from rest_framework.throttling import SimpleRateThrottle

    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT  # both from the env
    for proxies in (0, 1, 2):
        settings.TRUSTED_PROXY_COUNT = proxies
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
        request = Request(_request(forwarded="6.6.6.6, 198.51.100.1, 10.0.0.2"))
        assert SimpleRateThrottle.get_ident(None, request) == client_address(request)


# Errors Django answers itself are JSON under /api/, with DEBUG off.


@pytest.fixture
def production_errors(settings: Any) -> None:
    settings.DEBUG = False


def test_an_unknown_api_address_is_a_json_404(production_errors):
    for url in ["/api/v1/nothing/", "/api/v1/nothing", "/api/v2/", "/api/v1/partnerships/a/b/c/"]:
        response = _as(None).get(url)
        assert response.status_code == 404, url
        assert _is_json(response), url
        assert response.json() == {"detail": "Not found."}


def test_site_pages_keep_their_html_404(production_errors, client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_in_an_api_view_is_json(production_errors, monkeypatch, records):
    from partnerships.api import PartnershipViewSet

    def broken(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(PartnershipViewSet, "retrieve", broken)
    response = _as(None).get("/api/v1/partnerships/target/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
    assert b"a bug" not in response.content


def test_method_not_allowed_unsupported_type_and_bad_json_are_json(production_errors, superuser):
    client = _as(superuser)
    answers = [
        (client.put("/api/v1/partnerships/", "{}", content_type="application/json"), 405),
        (client.post("/api/v1/sdgs/", "{}", content_type="application/json"), 405),
        (
            client.post("/api/v1/partnerships/", "title=x", content_type="application/x-www-form-urlencoded"),
            415,
        ),
        (client.post("/api/v1/partnerships/", "{", content_type="application/json"), 400),
        (client.post("/api/v1/partnerships/", DEEP, content_type="application/json"), 400),
    ]
    for response, status in answers:
        assert response.status_code == status
        assert _is_json(response)


def test_a_bad_filter_on_the_iati_file_is_a_json_400_naming_it(production_errors):
    response = _as(None).get("/api/v1/partnerships/iati.xml", {"started_after": "0001-01-01"})
    assert response.status_code == 400
    assert "started_after" in response.json()["detail"]


# Dates outside the registry's window: a 400 naming the parameter and the range.

OUTSIDE = ["9999-12-31", "0001-01-01", "1899-12-31", "2200-01-01"]
DATE_FILTERS = [
    ("events", "starts_before"),
    ("events", "starts_after"),
    ("partnerships", "started_before"),
    ("partnerships", "started_after"),
    ("partnerships", "active_on"),
]


@pytest.mark.parametrize("suffix", ["", "facets/", "export.csv"])
@pytest.mark.parametrize(("resource", "parameter"), DATE_FILTERS)
@pytest.mark.parametrize("value", OUTSIDE)
def test_api_dates_outside_the_window_are_a_400_naming_the_range(resource, parameter, suffix, value):
    response = _as(None).get(f"/api/v1/{resource}/{suffix}", {parameter: value})
    assert response.status_code == 400, response.content[:300]
    messages = response.json()[parameter]
    assert messages == ["Enter a date from 1900-01-01 to 2199-12-31."]


@pytest.mark.parametrize(("resource", "parameter"), DATE_FILTERS)
@pytest.mark.parametrize("value", ["1900-01-01", "2199-12-31"])
def test_the_window_s_own_bounds_are_accepted(resource, parameter, value):
    for suffix in ["", "facets/", "export.csv"]:
        assert _as(None).get(f"/api/v1/{resource}/{suffix}", {parameter: value}).status_code == 200


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/events/", "starts_before"),
        ("/events/past/", "starts_before"),
        ("/events/", "starts_after"),
        ("/events/feed/", "starts_before"),
        ("/events/feed/rss/", "starts_before"),
        ("/events.ics", "starts_before"),
        ("/partnerships/", "started_before"),
        ("/partnerships/", "active_on"),
        ("/partnerships/feed/", "started_after"),
        ("/api/v1/partnerships/iati.xml", "active_on"),
    ],
)
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_site_pages_and_feeds_refuse_dates_outside_the_window(client, records, url, parameter, value):
    response = client.get(url, {parameter: value})
    assert response.status_code == 400
    if response["Content-Type"].startswith("text/html") and url.endswith("/") and "feed" not in url:
        assert "1900-01-01 to 2199-12-31" in response.content.decode()


def test_a_registry_filterset_refuses_a_plain_date_filter():
    with pytest.raises(ImproperlyConfigured, match="WindowDateFilter"):
        type(
            "LooseFilter",
            (RegistryFilterSet,),
            {
                "on": django_filters.DateFilter(field_name="start_date"),
                "Meta": type("Meta", (), {"model": Partnership, "fields": []}),
            },
        )


def test_the_schema_states_the_window(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = schema["paths"]["/api/v1/events/"]["get"]["parameters"]
    starts_before = next(p for p in parameters if p["name"] == "starts_before")
    assert "From 1900-01-01 to 2199-12-31." in starts_before["description"]
    assert datetime.date(2199, 12, 31).isoformat() in starts_before["description"]
