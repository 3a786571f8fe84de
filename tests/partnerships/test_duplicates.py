"""Duplicate partners: suggestions when one is created, and merging them (all relations, redirect)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from curation.models import Submission
from events.models import Event, EventOrganiser, EventParticipant
from partnerships import services as merging
from partnerships.duplicates import similar_partners
from partnerships.models import Participation, Partner, PartnerName, PartnerRedirect, Person
from registry.models import SourceLink
from registry.workflow import Status
from reports.models import Publication, PublicationOrganisation, Series
from tests.registry.test_workflow import _change_form_data

pytestmark = pytest.mark.django_db


def test_similar_partners_ignore_accents_case_and_spelling_variants(make_partner):
    oms = make_partner("Organización Mundial de la Salud", acronym="OMS")
    fao = make_partner("Food and Agriculture Organization of the United Nations", acronym="FAO")
    make_partner("Norwegian Agency for Exchange Cooperation", acronym="Norec")
    PartnerName.objects.create(partner=fao, name="Organisation des Nations Unies pour l'alimentation")

    assert similar_partners(names=["organizacion mundial de la salud"]) == [oms]
    assert similar_partners(names=["Food and Agriculture Organisation of the UN"]) == [fao]
    assert similar_partners(names=["fao"]) == [fao]
    assert similar_partners(names=["Organisation des Nations Unies pour l’alimentation"]) == [fao]
    assert similar_partners(names=["Islamic Development Bank"]) == []


def test_similar_partners_carry_the_matchers_reasons_and_include_drafts(make_partner):
    unece = make_partner("United Nations Economic Commission for Europe", acronym="UNECE")
    PartnerName.objects.create(partner=unece, name="Европейская экономическая комиссия ООН")

    [found] = similar_partners(names=["Европейская экономическая комиссия ООН"])

    assert found == unece and found.status == Status.DRAFT
    assert found.similarity >= 0.9
    assert "exact_alias" in {reason.kind for reason in found.reasons}
    assert similar_partners(names=["Европейская экономическая комиссия ООН"], exclude_pk=unece.pk) == []


def test_the_add_form_warns_of_likely_duplicates_until_confirmed(client_as, curator, make_partner):
    existing = make_partner("World Green Economy Organization", acronym="WGEO")
    client = client_as(curator)
    url = reverse("admin:partnerships_partner_add")
    data = _change_form_data(client.get(url), name="World Green Economy Organisation", acronym="")

    response = client.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "may be a partner the registry already has" in html
    assert reverse("admin:partnerships_partner_change", args=[existing.pk]) in html
    assert Partner.objects.count() == 1

    response = client.post(url, data | {"confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Partner.objects.count() == 2


def test_change_page_lists_similar_partners(client_as, curator, make_partner):
    make_partner("United Nations Development Programme", acronym="UNDP")
    other = make_partner("UN Development Programme")
    page = client_as(curator).get(reverse("admin:partnerships_partner_change", args=[other.pk]))
    assert "United Nations Development Programme (UNDP)" in page.content.decode()


@pytest.fixture
def graph(make_partner, make_partnership, make_event):
    """A duplicate partner used everywhere a partner can be used, and a survivor sharing some of it."""
    survivor = make_partner("Food and Agriculture Organization", acronym="FAO", website="https://www.fao.org")
    duplicate = make_partner(
        "Food & Agriculture Organisation",
        acronym="F.A.O.",
        identifier="XM-DAC-41301",
        description="From a feed",
    )
    PartnerName.objects.create(
        partner=duplicate, name="Organización de las Naciones Unidas para la Alimentación"
    )
    PartnerName.objects.create(partner=survivor, name="ONUAA")
    PartnerName.objects.create(partner=duplicate, name="ONUAA")
    shared = make_partnership("Shared partnership")
    own = make_partnership("Duplicate's partnership")
    Participation.objects.create(partnership=shared, partner=survivor)
    Participation.objects.create(partnership=shared, partner=duplicate)  # clashes: dropped
    Participation.objects.create(partnership=own, partner=duplicate)
    event = make_event()
    EventOrganiser.objects.create(event=event, partner=duplicate, role=EventOrganiser.Role.HOST)
    person = Person.objects.create(name="A. Speaker", affiliation=duplicate)
    EventParticipant.objects.create(event=event, person=person, representing=duplicate)
    publication = Publication.objects.create(title="A report", publication_type=Publication.Type.REPORT)
    PublicationOrganisation.objects.create(
        publication=publication, partner=duplicate, role=PublicationOrganisation.Role.PUBLISHER
    )
    series = Series.objects.create(name="A series", publisher=duplicate)
    child = make_partner("FAO Regional Office", parent=duplicate)
    partner_type = ContentType.objects.get_for_model(Partner)
    SourceLink.objects.create(
        content_type=partner_type, object_id=duplicate.pk, url="https://example.org/fao"
    )
    SourceLink.objects.create(
        content_type=partner_type, object_id=duplicate.pk, url="https://www.fao.org/about"
    )
    SourceLink.objects.create(
        content_type=partner_type, object_id=survivor.pk, url="https://www.fao.org/about"
    )
    submission = Submission.objects.create(
        kind="partnership", submitter_name="X", submitter_email="x@example.org"
    )
    submission.new_partners.add(duplicate)
    return {
        "survivor": survivor,
        "duplicate": duplicate,
        "own": own,
        "shared": shared,
        "event": event,
        "person": person,
        "publication": publication,
        "series": series,
        "child": child,
        "submission": submission,
    }


def test_merge_moves_every_relation_to_the_survivor(curator, graph):
    survivor, duplicate = graph["survivor"], graph["duplicate"]
    duplicate_pk, duplicate_slug = duplicate.pk, duplicate.slug

    report = merging.partner_merge(survivor=survivor, duplicate=duplicate, user=curator)

    assert not Partner.objects.filter(pk=duplicate_pk).exists()
    assert set(
        Participation.objects.filter(partner=survivor).values_list("partnership__title", flat=True)
    ) == {
        "Shared partnership",
        "Duplicate's partnership",
    }
    assert Participation.objects.filter(partnership=graph["shared"]).count() == 1
    assert EventOrganiser.objects.get(event=graph["event"]).partner == survivor
    assert EventParticipant.objects.get(event=graph["event"]).representing == survivor
    assert Person.objects.get(pk=graph["person"].pk).affiliation == survivor
    assert PublicationOrganisation.objects.get(publication=graph["publication"]).partner == survivor
    assert Series.objects.get(pk=graph["series"].pk).publisher == survivor
    assert Partner.objects.get(pk=graph["child"].pk).parent == survivor
    assert list(graph["submission"].new_partners.all()) == [survivor]
    names = set(survivor.alternative_names.values_list("name", flat=True))
    assert names == {
        "ONUAA",
        "Organización de las Naciones Unidas para la Alimentación",
        "Food & Agriculture Organisation",
        "F.A.O.",
    }
    sources = SourceLink.objects.filter(content_type=ContentType.objects.get_for_model(Partner))
    assert sorted(sources.filter(object_id=survivor.pk).values_list("url", flat=True)) == [
        "https://example.org/fao",
        "https://www.fao.org/about",
    ]
    assert not sources.filter(object_id=duplicate_pk).exists()
    survivor.refresh_from_db()
    assert survivor.identifier == "XM-DAC-41301"
    assert survivor.website == "https://www.fao.org"
    assert survivor.description == "From a feed"
    assert PartnerRedirect.objects.get(old_slug=duplicate_slug).partner == survivor
    assert report.moved["participations"] == 1 and report.dropped_as_duplicates["participations"] == 1


def test_merged_partner_address_redirects_permanently(client, curator, graph):
    survivor, duplicate = graph["survivor"], graph["duplicate"]
    old_url = duplicate.get_absolute_url()
    Partner.objects.filter(pk=survivor.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    merging.partner_merge(survivor=survivor, duplicate=duplicate, user=curator)

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()
    assert client.get("/partners/no-such-partner/").status_code == 404


def test_a_redirect_to_an_unpublished_survivor_stays_hidden(client, curator, graph):
    old_url = graph["duplicate"].get_absolute_url()
    merging.partner_merge(survivor=graph["survivor"], duplicate=graph["duplicate"], user=curator)
    assert client.get(old_url).status_code == 404


def test_merge_is_all_or_nothing(curator, graph, monkeypatch):
    survivor, duplicate = graph["survivor"], graph["duplicate"]

    def fail(partner):
        raise RuntimeError("still referenced")

    monkeypatch.setattr(merging, "ensure_nothing_points_at", fail)
    with pytest.raises(RuntimeError):
        merging.partner_merge(survivor=survivor, duplicate=duplicate, user=curator)
    assert Partner.objects.filter(pk=duplicate.pk).exists()
    assert Participation.objects.filter(partner=duplicate).count() == 2
    assert not PartnerRedirect.objects.exists()


def test_only_curators_merge(contributor, graph):
    with pytest.raises(PermissionDenied):
        merging.partner_merge(survivor=graph["survivor"], duplicate=graph["duplicate"], user=contributor)


def test_merge_action_in_the_admin(client_as, curator, contributor, graph):
    survivor, duplicate = graph["survivor"], graph["duplicate"]
    changelist = reverse("admin:partnerships_partner_changelist")
    actions = dict(client_as(contributor).get(changelist).context["action_form"].fields["action"].choices)
    assert "merge_partners" not in actions

    client = client_as(curator)
    selected = {"action": "merge_partners", "_selected_action": [survivor.pk, duplicate.pk]}
    confirm = client.post(changelist, selected)
    assert confirm.status_code == 200
    assert "Choose the partner to keep" in confirm.content.decode()
    response = client.post(changelist, selected | {"apply": "1", "survivor": survivor.pk}, follow=True)

    assert "Merged 1 partner(s)" in response.content.decode()
    assert not Partner.objects.filter(pk=duplicate.pk).exists()


def test_event_fixture_dates_are_sane(make_event):
    event = make_event()
    assert event.end - event.start == datetime.timedelta(hours=8)
    assert Event.objects.count() == 1
