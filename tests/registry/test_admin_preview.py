"""Curators preview a draft's public page: never public, never cached, never indexed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from registry.workflow import Status
from tests.factories import (
    EventFactory,
    ParticipationFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

KINDS = {
    "partnership": (PartnershipFactory, "partnerships", "title"),
    "partner": (PartnerFactory, "partnerships", "name"),
    "event": (EventFactory, "events", "title"),
    "publication": (PublicationFactory, "reports", "title"),
}


def _draft(kind: str):
    factory, _, field = KINDS[kind]
    return factory(draft=True, **{field: f"Unannounced {kind} of the Andean corridor"})


def _preview_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[record.pk])


def _change_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


@pytest.mark.parametrize("kind", KINDS)
def test_curators_preview_a_draft_privately_and_unindexed(client, client_as, curator, kind):
    record = _draft(kind)
    assert client.get(record.get_absolute_url()).status_code == 404

    response = client_as(curator).get(_preview_url(record))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Unannounced {kind} of the Andean corridor" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Preview for curators" in html and _change_url(record) in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    cache_control = set(response["Cache-Control"].split(", "))
    assert {"private", "no-store"} <= cache_control


@pytest.mark.parametrize("kind", KINDS)
def test_view_on_site_of_a_draft_is_its_preview(client_as, curator, kind):
    record = _draft(kind)
    client = client_as(curator)

    draft_page = client.get(_change_url(record))
    assert draft_page.context["absolute_url"] == _preview_url(record)
    assert f'href="{_preview_url(record)}"' in draft_page.content.decode()

    type(record).objects.filter(pk=record.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    published_page = client.get(_change_url(record))
    assert published_page.context["absolute_url"] != _preview_url(record)
    assert client.get(published_page.context["absolute_url"]).url.endswith(record.get_absolute_url())


def test_people_have_no_page_and_so_no_preview(client_as, curator):
    person = PersonFactory(draft=True, name="Unlisted researcher")
    client = client_as(curator)
    assert client.get(_change_url(person)).context["absolute_url"] is None
    assert client.get(f"/admin/partnerships/person/{person.pk}/preview/").status_code == 404


def test_nobody_but_staff_with_the_view_permission_sees_a_preview(
    client, client_as, make_user, django_user_model
):
    record = _draft("partnership")
    url = _preview_url(record)

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("admin:login"))

    visitor = django_user_model.objects.create_user("visitor", password="a-long-test-password")
    signed_in = client_as(visitor).get(url)
    assert signed_in.status_code == 302 and signed_in.url.startswith(reverse("admin:login"))

    no_role = client_as(make_user("staff-without-a-role")).get(url)
    assert no_role.status_code == 403
    for response in (anonymous, signed_in, no_role):
        assert b"Unannounced" not in response.content


def test_a_preview_shows_the_record_as_the_public_will_see_it(client_as, curator):
    """Only the record's own state is ignored: its draft partners stay off its page."""
    record = _draft("partnership")
    ParticipationFactory(partnership=record, partner=PartnerFactory(name="Andean Development Bank"))
    ParticipationFactory(partnership=record, partner=PartnerFactory(name="Hidden Draft Ministry", draft=True))

    html = client_as(curator).get(_preview_url(record)).content.decode()

    assert "Andean Development Bank" in html
    assert "Hidden Draft Ministry" not in html


def test_the_anonymous_page_cache_never_keeps_a_preview(
    client, client_as, curator, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=True):  # a recorded write names the cache
        record = _draft("publication")
    url = _preview_url(record)

    assert client_as(curator).get(url).status_code == 200
    client.logout()
    again = client.get(url)
    public = client.get(record.get_absolute_url())

    assert again.status_code == 302 and b"Unannounced" not in again.content
    assert public.status_code == 404
    assert not [key for key in cache._cache if ":page:" in key]
