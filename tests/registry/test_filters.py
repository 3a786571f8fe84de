"""The stand-in query-string filters the open-data outputs use until the shared FilterSets land."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.test import RequestFactory

from events.filters import EventFilter
from events.models import Event
from partnerships.filters import PartnershipFilter
from partnerships.models import Partnership
from sscregistry.seed import load_seed_data

pytestmark = pytest.mark.django_db


def _partnerships(**query) -> set[str]:
    request = RequestFactory().get("/", query)
    return set(
        PartnershipFilter.filtered(request, Partnership.objects.published()).values_list("slug", flat=True)
    )


def _events(**query) -> set[str]:
    request = RequestFactory().get("/", query)
    return set(EventFilter.filtered(request, Event.objects.published()).values_list("slug", flat=True))


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
        (PartnershipFilter.filtered, {"sdg": "18"}),
        (PartnershipFilter.filtered, {"sdg": "-1"}),
        (PartnershipFilter.filtered, {"platform": "<script>"}),
        (PartnershipFilter.filtered, {"modality": "x" * 81}),
        (PartnershipFilter.filtered, {"q": "x" * 201}),
        (PartnershipFilter.filtered, {"country": "RWA"}),
        (EventFilter.filtered, {"type": "party"}),
        (EventFilter.filtered, {"when": "tomorrow"}),
        (EventFilter.filtered, {"country": "1"}),
    ],
)
def test_unreadable_values_are_bad_requests(function, query):
    queryset = Partnership.objects.none() if function is PartnershipFilter.filtered else Event.objects.none()
    with pytest.raises(BadRequest):
        function(RequestFactory().get("/", query), queryset)
