"""Events' facet tokens and stored counts (the triggers in events/migrations/0001_initial.py, from
registry.facets.token_index_sql) stay current on every write path: after each kind of write the
facets counted from the tokens (and, with no filter, the stored counts) equal the same facets
counted over the tables."""

from __future__ import annotations

import pytest
from django.db.models import Count

from events.filters import EventFilter
from events.models import Event, EventFacetCount, EventFacets, EventOrganiser
from partnerships.models import Partner
from registry.workflow import Status
from tests.facet_tokens import assert_tokens_current, counted
from tests.factories import EventFactory, EventOrganiserFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def assert_current() -> None:
    assert_tokens_current(
        EventFilter, Event.objects.published(), EventFacets, EventFacetCount, {"type": "conference"}
    )


def tokens(event: Event) -> list[str]:
    return EventFacets.objects.get(event=event).tokens


@pytest.fixture
def rich(db) -> Event:
    event = EventFactory(slug="rich", event_type=Event.Type.CONFERENCE, country_id="KE")
    EventOrganiserFactory(event=event, partner=PartnerFactory(slug="org"))
    EventFactory(slug="other", country_id="RW")
    EventFactory(slug="hidden", draft=True, country_id="BR")
    return event


def test_save_and_organisers(rich):
    assert {"type:conference", "country:KE", "status:scheduled"} <= set(tokens(rich))
    partner = Partner.objects.get(slug="org")
    assert f"organiser:{partner.pk}" in tokens(rich)
    assert_current()
    rich.country_id = "NO"
    rich.attendance_mode = Event.AttendanceMode.ONLINE
    rich.save()
    assert {"country:NO", "attendance_mode:online"} <= set(tokens(rich))
    assert_current()
    # The organiser in a second role counts once.
    EventOrganiser.objects.create(event=rich, partner=partner, role=EventOrganiser.Role.HOST)
    assert tokens(rich).count(f"organiser:{partner.pk}") == 1
    assert_current()
    rich.organiser_roles.all().delete()
    assert f"organiser:{partner.pk}" not in tokens(rich)
    assert_current()


def test_drafts_and_draft_organisers_count_nothing(rich):
    assert "country:BR" not in {
        v["value"] for v in counted(EventFilter, Event.objects.published())["country"]
    }
    draft = PartnerFactory(slug="draft-org", draft=True)
    EventOrganiserFactory(event=rich, partner=draft)
    assert f"organiser:{draft.pk}" not in tokens(rich)
    assert_current()
    Partner.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED, published_at=rich.published_at)
    assert f"organiser:{draft.pk}" in tokens(rich)
    assert_current()
    Partner.objects.filter(pk=draft.pk).update(status=Status.DRAFT)
    assert f"organiser:{draft.pk}" not in tokens(rich)
    assert_current()


def test_queryset_update_publish_unpublish(rich):
    Event.objects.filter(slug="rich").update(status=Status.DRAFT)
    assert EventFacets.objects.get(event=rich).published is False
    assert_current()
    Event.objects.filter(slug="rich").update(
        status=Status.PUBLISHED, event_status=Event.EventStatus.CANCELLED
    )
    assert "status:cancelled" in tokens(rich)
    assert_current()
    hidden = Event.objects.get(slug="hidden")
    hidden.status, hidden.published_at = Status.PUBLISHED, rich.published_at
    hidden.save()
    assert_current()
    Event.objects.update(event_type=Event.Type.MEETING)
    assert_current()


def test_bulk_create_and_delete(rich):
    events = Event.objects.bulk_create(
        [
            Event(
                title=f"Bulk {i}",
                slug=f"bulk-{i}",
                event_type=Event.Type.WEBINAR,
                timezone="UTC",
                start=rich.start,
                end=rich.end,
                country_id="IN",
                status=Status.PUBLISHED,
                published_at=rich.published_at,
            )
            for i in range(3)
        ]
    )
    partner = PartnerFactory()
    EventOrganiser.objects.bulk_create([EventOrganiser(event=e, partner=partner) for e in events])
    assert {"type:webinar", "country:IN", f"organiser:{partner.pk}"} <= set(tokens(events[0]))
    assert_current()
    EventOrganiser.objects.filter(event=events[0]).update(event=rich)
    assert f"organiser:{partner.pk}" in tokens(rich) and f"organiser:{partner.pk}" not in tokens(events[0])
    assert_current()
    pk = rich.pk
    rich.delete()
    assert not EventFacets.objects.filter(event_id=pk).exists()
    assert_current()
    Event.objects.filter(slug__startswith="bulk").delete()
    assert_current()


def test_kept_counts_are_folded_once_they_are_many(rich):
    for n in range(700):
        Event.objects.filter(pk=rich.pk).update(country_id="NO" if n % 2 else "KE")
    rows = EventFacetCount.objects.values("token").annotate(n=Count("id")).order_by("-n")
    assert rows[0]["n"] <= 9
    assert_current()
