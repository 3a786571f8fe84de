"""The curators' admin: every page renders for a curator and stays closed to everyone else."""

import zoneinfo

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import RequestFactory
from django.urls import reverse

from curation.models import Submission
from events.models import Event
from partnerships.models import Partner, PartnerRedirect, Partnership
from registry.groups import CURATORS, registry_app_labels
from registry.models import ImportJob
from registry.workflow import Status
from sscregistry.seed import load_seed_data
from tests.factories import PartnershipFactory
from vocabularies.models import Platform

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = [model for model in admin.site._registry if model._meta.app_label in registry_app_labels()]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def curator(client):
    user = User.objects.create_user("curator", password="a-long-test-password", is_staff=True)
    user.groups.add(Group.objects.get(name=CURATORS))
    client.force_login(user)
    return user


@pytest.fixture
def seeded():
    load_seed_data()
    # Proposals come from the public form; one is enough for the change page.
    Submission.objects.create(
        kind=Submission.Kind.PARTNERSHIP,
        partnership=Partnership.objects.first(),
        submitter_name="A visitor",
        submitter_email="visitor@example.org",
    )
    PartnerRedirect.objects.create(old_slug="norec-old", partner=Partner.objects.get(slug="norec"))
    # A background import, as the admin's import starts one for a large file (its importer sees it).
    ImportJob.objects.create(
        kind="partners",
        file_name="partners.csv",
        file_format="csv",
        content=b"slug,name\n",
        created_by=User.objects.filter(username="curator").first(),
    )


def test_every_registry_model_is_in_the_admin():
    from django.apps import apps
    from pghistory.models import Event as HistoryEvent

    models = [
        m
        for label in registry_app_labels()
        for m in apps.get_app_config(label).get_models()
        if not issubclass(m, HistoryEvent)  # history is shown on each record's History page
    ]
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    # Through-models are edited as inlines on their parent records.
    inline_only = {
        "PartnerName",
        "Participation",
        "EventOrganiser",
        "EventParticipant",
        "RegistrationLink",
        "Authorship",
        "PublicationOrganisation",
        "LanguageVersion",
        "PublicationRelation",
        "PartnerRelation",
    }
    # Bookkeeping rows the registry writes itself (the time of the last change, the spelling
    # vocabulary, the facet tokens): their models say so (registry_role = "internal").
    internal = {m.__name__ for m in apps.get_models() if getattr(m, "registry_role", None) == "internal"}
    assert {"RegistryChange", "SearchWord", "PartnershipFacets"} <= internal
    # Written by the task worker from records, never edited, but read by public pages (similar
    # records), so the change stamp follows them.
    derived = {"SearchEmbedding"}
    # Database views, read only (every relation of a partner from its side).
    derived |= {m.__name__ for m in apps.get_models() if not m._meta.managed}
    assert "OrganisationRelation" in derived
    assert set(missing) <= inline_only | internal | derived


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_render_for_a_curator(client, curator, seeded, model):
    assert client.get(_url(model, "changelist")).status_code == 200
    request = RequestFactory().get("/admin/")
    request.user = curator
    # Some records only come from elsewhere (public submissions): their admin offers no add page.
    can_add = admin.site._registry[model].has_add_permission(request)
    assert client.get(_url(model, "add")).status_code == (200 if can_add else 403)
    instance = model._default_manager.first()
    assert instance is not None, f"no {model.__name__} in the seed or reference data"
    assert client.get(_url(model, "change", instance.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTRY_MODELS, ids=lambda m: m.__name__)
def test_admin_pages_are_closed_to_anonymous_visitors(client, model):
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_is_closed_to_logged_in_users_without_staff_status(client):
    client.force_login(User.objects.create_user("visitor", password="a-long-test-password"))
    assert client.get(_url(Partnership, "changelist")).status_code == 302


def test_changelist_search_and_filters_work(client, curator, seeded):
    response = client.get(_url(Partnership, "changelist"), {"q": "WGEO", "status__exact": "published"})
    assert response.status_code == 200
    assert "UNOSSC and World Green Economy Organization" in response.text
    assert "Norec South-South" not in response.text
    cities = Platform.objects.get(slug="cities")
    response = client.get(_url(Partnership, "changelist"), {"platforms__id__exact": cities.pk})
    assert response.status_code == 200
    assert "UNOSSC and World Green Economy Organization" in response.text
    assert "Rwanda Cooperation and the Rome-based" not in response.text


def test_change_page_links_to_the_public_record(client, curator, seeded):
    partnership = Partnership.objects.get(slug="unossc-wgeo-green-economy")
    response = client.get(_url(Partnership, "change", partnership.pk))
    assert "View on site" in response.text


def test_publish_and_unpublish_actions(client, curator):
    draft = PartnershipFactory(draft=True)
    response = client.post(
        _url(Partnership, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.published_at is not None
    assert draft.updated_by == curator
    client.post(
        _url(Partnership, "changelist"), {"action": "unpublish_selected", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_event_times_are_entered_in_the_events_own_time_zone(client, curator):
    response = client.post(
        _url(Event, "add"),
        {
            "title": "Kigali morning meeting",
            "slug": "kigali-morning-meeting",
            "event_type": "meeting",
            "timezone": "Africa/Kigali",
            "start_0": "2023-09-12",
            "start_1": "09:00:00",
            "end_0": "2023-09-12",
            "end_1": "13:00:00",
            "date_precision": "day",
            "attendance_mode": "hybrid",
            "event_status": "scheduled",
            "status": "draft",
            "document_symbols": "A/C.2/66/L.48",
            "organiser_roles-TOTAL_FORMS": "0",
            "organiser_roles-INITIAL_FORMS": "0",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
            "registration_links-TOTAL_FORMS": "0",
            "registration_links-INITIAL_FORMS": "0",
            "Publication_related_events-TOTAL_FORMS": "0",
            "Publication_related_events-INITIAL_FORMS": "0",
            "registry-sourcelink-content_type-object_id-TOTAL_FORMS": "0",
            "registry-sourcelink-content_type-object_id-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="kigali-morning-meeting")
    assert event.start.astimezone(zoneinfo.ZoneInfo("UTC")).hour == 7
    assert event.local_start.hour == 9
    assert event.created_by == curator
    # The change form shows the time as it was typed: Kigali time.
    response = client.get(_url(Event, "change", event.pk))
    assert 'value="09:00:00"' in response.text


def test_event_admin_refuses_a_bad_time_zone_with_a_form_error(client, curator):
    response = client.post(
        _url(Event, "add"),
        {
            "title": "Nowhere",
            "event_type": "meeting",
            "timezone": "Mars/Olympus",
            "start_0": "2023-09-12",
            "start_1": "09:00",
            "end_0": "2023-09-12",
            "end_1": "08:00",
            "status": "draft",
            "organiser_roles-TOTAL_FORMS": "0",
            "organiser_roles-INITIAL_FORMS": "0",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
            "registration_links-TOTAL_FORMS": "0",
            "registration_links-INITIAL_FORMS": "0",
            "Publication_related_events-TOTAL_FORMS": "0",
            "Publication_related_events-INITIAL_FORMS": "0",
            "registry-sourcelink-content_type-object_id-TOTAL_FORMS": "0",
            "registry-sourcelink-content_type-object_id-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "IANA time zone" in response.text
    assert not Event.objects.filter(title="Nowhere").exists()


def test_a_records_language_is_picked_from_the_known_languages(client, curator, seeded):
    from partnerships.models import Partnership

    record = Partnership.objects.get(slug="norec-south-south-and-triangular-exchanges")
    page = client.get(_url(Partnership, "change", record.pk)).content.decode()
    assert '<select name="language"' in page
    assert '<option value="nn">Norwegian Nynorsk (nn)</option>' in page
    assert f'<option value="{record.language}" selected>' in page
