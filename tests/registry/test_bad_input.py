"""Bad input never breaks the registry: property tests (Hypothesis) over the FilterSets and search,
the API's write serializers and the public proposal forms. Every answer is a success or a clear 4xx,
never a 500 (the test client re-raises any exception a view lets escape)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.filters import EventFilter
from partnerships.filters import PartnerFilter, PartnershipFilter, PersonFilter
from reports.filters import PublicationFilter
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

FILTERSETS = {
    "partnerships": PartnershipFilter,
    "partners": PartnerFilter,
    "events": EventFilter,
    "publications": PublicationFilter,
    "people": PersonFilter,
}
SQL = ["' OR 1=1 --", '"; DROP TABLE partnerships_partner; --', "%", "_", "\\", "' UNION SELECT 1 --"]
NASTY = st.one_of(
    st.text(max_size=200),
    st.sampled_from(SQL),
    st.text(alphabet=st.sampled_from("\x00\ufeff\u202e&|!:*()<>'\"-"), max_size=20),
    st.integers(min_value=1_000, max_value=200_000).map(lambda n: "a" * n),
    st.just("\x00"),
)
PROPERTY = settings(
    max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.fixture
def records() -> dict[str, Any]:
    """One published record of each kind, by API resource name."""
    return {
        "partners": PartnerFactory(name="Kigali Green Cooperative"),
        "partnerships": PartnershipFactory(title="South-South solar exchange"),
        "events": EventFactory(title="Kigali meeting"),
        "publications": PublicationFactory(title="Annual report"),
        "people": PersonFactory(name="Amina Uwase"),
    }


def _get(url: str, params: dict) -> int:
    response = APIClient().get(url, params)
    return response.status_code


@pytest.mark.parametrize("resource", FILTERSETS)
@PROPERTY
@given(query=NASTY)
def test_search_answers_any_text_without_error(records, resource, query):
    for suffix in ("", "facets/", "export.csv"):
        status = _get(f"/api/v1/{resource}/{suffix}", {"q": query})
        assert status in (200, 400), (suffix, query[:80], status)


@pytest.mark.parametrize("resource", FILTERSETS)
@PROPERTY
@given(data=st.data())
def test_filters_answer_any_value_with_200_or_400(records, resource, data):
    names = sorted(FILTERSETS[resource].base_filters) + ["page", "page_size", "ordering"]
    params = data.draw(st.dictionaries(st.sampled_from(names), NASTY, max_size=4))
    status = _get(f"/api/v1/{resource}/", params)
    assert status in (200, 400, 404), (params, status)  # 404: a page number past the end


@pytest.mark.parametrize("page", ["/partnerships/", "/partners/", "/events/", "/publications/"])
@PROPERTY
@given(params=st.dictionaries(st.sampled_from(["q", "page", "sdg", "country", "when", "type"]), NASTY))
def test_public_list_pages_answer_any_query(records, page, params):
    status = Client().get(page, params).status_code
    assert status in (200, 400, 404), (params, status)


LONE_SURROGATE = "\ud800"  # valid in a JSON string (escaped), but no character PostgreSQL can store
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | NASTY | st.just(LONE_SURROGATE),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
WRITE_FIELDS = {
    "partnerships": [
        "title",
        "summary",
        "start_date",
        "end_date",
        "sdgs",
        "countries",
        "participants",
        "themes",
    ],
    "partners": ["name", "acronym", "country", "organisation_type", "website", "identifier", "parent"],
    "events": ["title", "event_type", "start", "end", "timezone", "country", "organisers", "parent"],
    "publications": ["title", "publication_type", "publication_date", "authors", "series", "url"],
    "people": ["name", "position", "affiliation"],
}


@pytest.fixture
def curator_api(curator):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=curator).key}")
    return client


def json_body(value: Any) -> str:
    """`value` as a JSON request body, infinities written as 1e999: valid JSON that parsers (Python's
    among them) read as infinity, which the test client's own encoder refuses to send at all."""
    if isinstance(value, float) and math.isinf(value):
        return "1e999" if value > 0 else "-1e999"
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(key)}:{json_body(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(json_body(item) for item in value) + "]"
    return json.dumps(value)


@pytest.mark.parametrize("resource", WRITE_FIELDS)
@PROPERTY
@given(data=st.data())
def test_api_writes_answer_any_payload_with_a_clear_4xx(records, curator_api, resource, data):
    names = st.sampled_from(WRITE_FIELDS[resource]) | st.text(max_size=10)
    payload = data.draw(st.dictionaries(names, JSON_VALUES, max_size=6))
    body = json_body(payload)
    created = curator_api.post(f"/api/v1/{resource}/", body, content_type="application/json")
    assert created.status_code in (201, 400), (payload, created.status_code)
    if created.status_code == 400:
        assert created.json(), "a 400 names what is wrong"
    # The same payload as a partial update of an existing (published) record.
    target = f"/api/v1/{resource}/{records[resource].slug}/"
    patched = curator_api.patch(target, body, content_type="application/json")
    assert patched.status_code in (200, 400), (payload, patched.status_code)
    if patched.status_code == 400:
        assert patched.json(), "a 400 names what is wrong"


# Payloads that answered 500 (or, 1.5, were taken as SDG 1) before: plain examples beside the generated
# ones. Bodies are JSON text, as a client sends them.
KNOWN_BAD = [
    ("partnerships", '{"title": "t", "sdgs": [1e999]}'),  # 1e999 reads as infinity: no integer key
    ("partnerships", '{"title": "t", "sdgs": [1.5]}'),
    ("partnerships", '{"title": "t", "participants": [[], {}]}'),  # errors keyed by item index
    ("events", '{"title": "t", "timezone": "\\ud800"}'),  # a lone surrogate, echoed in the message
    ("events", '{"title": "t", "event_type": "\\ud800"}'),
]


@pytest.mark.parametrize(("resource", "body"), KNOWN_BAD)
def test_api_writes_answer_known_bad_payloads_with_field_messages(records, curator_api, resource, body):
    for response in (
        curator_api.post(f"/api/v1/{resource}/", body, content_type="application/json"),
        curator_api.patch(
            f"/api/v1/{resource}/{records[resource].slug}/", body, content_type="application/json"
        ),
    ):
        assert response.status_code == 400, (body, response.status_code)
        assert response.json()


FORM_FIELDS = {
    "/propose/partnership/": [
        "title", "description", "partners", "new_partners", "sdgs", "countries", "start_date",
        "source_url", "submitter_name", "submitter_email", "homepage",
    ],
    "/propose/event/": [
        "title", "description", "event_type", "start", "end", "timezone", "city", "country",
        "new_organisers", "submitter_name", "submitter_email", "homepage",
    ],
}  # fmt: skip


@pytest.mark.parametrize("url", FORM_FIELDS)
@PROPERTY
@given(data=st.data())
def test_proposal_forms_answer_any_post_with_the_form_or_a_4xx(records, url, data):
    cache.clear()  # the per-IP proposal limit is tested elsewhere
    values = st.one_of(NASTY, st.lists(NASTY, max_size=3))
    post = data.draw(st.dictionaries(st.sampled_from(FORM_FIELDS[url]), values, max_size=8))
    status = Client().post(url, post).status_code
    assert status in (200, 302, 400, 429), (post, status)
