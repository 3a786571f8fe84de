"""Public record pages show published records only."""

import pytest
from django.urls import reverse

from partnerships.models import Participation
from sscregistry.seed import load_seed_data
from tests.factories import EventFactory, PartnerFactory, PartnershipFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [PartnerFactory, PartnershipFactory, EventFactory, PublicationFactory],
    ids=lambda f: f.__name__,
)
def test_published_record_pages_render_and_drafts_answer_404(client, factory):
    published = factory()
    draft = factory(draft=True)
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "partnerships:partnership-list",
        "partnerships:partner-list",
        "events:event-list",
        "reports:publication-list",
    ],
)
def test_list_pages_render(client, name):
    load_seed_data()
    assert client.get(reverse(name)).status_code == 200


def test_lists_leave_drafts_out(client):
    PartnershipFactory(title="Visible partnership")
    PartnershipFactory(title="Secret draft partnership", draft=True)
    response = client.get(reverse("partnerships:partnership-list"))
    assert "Visible partnership" in response.text
    assert "Secret draft partnership" not in response.text


def test_a_draft_partner_is_not_named_on_a_published_partnership(client):
    partnership = PartnershipFactory()
    Participation.objects.create(partnership=partnership, partner=PartnerFactory(name="Public Partner"))
    Participation.objects.create(
        partnership=partnership, partner=PartnerFactory(name="Hidden Draft", draft=True)
    )
    response = client.get(partnership.get_absolute_url())
    assert "Public Partner" in response.text
    assert "Hidden Draft" not in response.text


def test_kigali_event_page_shows_kigali_time(client):
    load_seed_data()
    response = client.get(
        reverse("events:event-detail", args=["un-day-for-south-south-cooperation-2023-kigali"])
    )
    assert "12 Sep 2023, 09:00–13:00 Kigali time (UTC+2)" in response.text
