"""The stand-in query-string filters the open-data outputs use until the shared FilterSets land."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory

from events.models import Event
from partnerships.models import Partnership
from partnerships.seed import load_seed_data
from sscregistry.filtering import filter_events, filter_partnerships

pytestmark = pytest.mark.django_db


def _partnerships(**query) -> set[str]:
    request = RequestFactory().get("/", query)
    return set(filter_partnerships(request, Partnership.objects.published()).values_list("slug", flat=True))


def _events(**query) -> set[str]:
    request = RequestFactory().get("/", query)
    return set(filter_events(request, Event.objects.published()).values_list("slug", flat=True))


def test_partnership_filters_combine():
    load_seed_data()
    assert _partnerships(platform="cities") == {"unossc-wgeo-green-economy"}
    assert _partnerships(modality="triangular", sdg="17", q="NOREC") == {
        "norec-south-south-and-triangular-exchanges"
    }
    assert _partnerships(country="rw") == {"rwanda-cooperation-rome-based-agencies"}
    assert len(_partnerships(sdg="17")) == 3


def test_event_filters_by_country_type_and_time():
    load_seed_data()
    assert _events(country="RW") == {"un-day-for-south-south-cooperation-2023-kigali"}
    assert _events(type="session") == {"unece-62nd-session"}
    assert _events(when="upcoming") == set()
    assert "bapa40" in _events(when="past")


@pytest.mark.parametrize(
    ("function", "query"),
    [
        (filter_partnerships, {"sdg": "18"}),
        (filter_partnerships, {"sdg": "-1"}),
        (filter_partnerships, {"platform": "<script>"}),
        (filter_partnerships, {"modality": "x" * 81}),
        (filter_partnerships, {"q": "x" * 201}),
        (filter_partnerships, {"country": "RWA"}),
        (filter_events, {"type": "party"}),
        (filter_events, {"when": "tomorrow"}),
        (filter_events, {"country": "1"}),
    ],
)
def test_unreadable_values_are_bad_requests(function, query):
    queryset = Partnership.objects.none() if function is filter_partnerships else Event.objects.none()
    with pytest.raises(BadRequest):
        function(RequestFactory().get("/", query), queryset)
