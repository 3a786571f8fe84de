"""The public proposal forms: valid, invalid, honeypot, rate limit, notifications and privacy."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from curation.models import Submission
from events.models import Event
from partnerships.models import Partner, Partnership
from registry.workflow import Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

PARTNERSHIP_URL = "/propose/partnership/"
EVENT_URL = "/propose/event/"


@pytest.fixture
def published_partner(make_partner):
    partner = make_partner("United Nations Office for South-South Cooperation", acronym="UNOSSC")
    Partner.objects.filter(pk=partner.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
    return partner


def _partnership_data(partner: Partner | None = None, **overrides) -> dict:
    data = {
        "title": "Solar pumps for smallholder farms",
        "description": "Engineers from Kenya and India exchange designs for solar irrigation pumps.",
        "partners": [partner.pk] if partner else [],
        "new_partners": "Kenya Solar Cooperative\nIndia Irrigation Network",
        "sdgs": ["2", "7"],
        "countries": ["KE", "IN"],
        "start_date": "2024-03-01",
        "source_url": "https://example.org/solar-pumps",
        "submitter_name": "Amina Odhiambo",
        "submitter_email": "amina@example.org",
        "homepage": "",
    }
    return data | overrides


def test_a_typed_name_the_registry_already_knows_reuses_that_partner(client, published_partner):
    """An alias in another language or the acronym names the same organisation: no duplicate draft."""
    from partnerships.models import PartnerName

    PartnerName.objects.create(
        partner=published_partner, name="Bureau des Nations Unies pour la coopération Sud-Sud"
    )
    typed = "Bureau des Nations Unies pour la cooperation Sud-Sud\nunossc\nKenya Solar Cooperative"

    response = client.post(PARTNERSHIP_URL, _partnership_data(new_partners=typed))

    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert set(partnership.participations.values_list("partner__name", flat=True)) == {
        "United Nations Office for South-South Cooperation",
        "Kenya Solar Cooperative",
    }
    assert Partner.objects.count() == 2
    assert Submission.objects.get().new_partners.count() == 1


def test_the_forms_are_linked_from_the_site(client):
    home = client.get("/").content.decode()
    assert PARTNERSHIP_URL in home and EVENT_URL in home
    assert client.get(PARTNERSHIP_URL).status_code == 200
    assert client.get(EVENT_URL).status_code == 200
    assert "/propose/" in client.get("/partnerships/").content.decode()


def test_a_valid_proposal_creates_records_in_review_and_tells_the_curators(
    client, curator, published_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PARTNERSHIP_URL, _partnership_data(published_partner))

    assert response.status_code == 302
    assert response["Location"] == reverse("curation:propose-thanks")
    partnership = Partnership.objects.get()
    assert partnership.status == Status.IN_REVIEW
    assert partnership.submitted_at is not None and partnership.submitted_by is None
    assert set(partnership.sdgs.values_list("code", flat=True)) == {2, 7}
    assert set(partnership.countries.values_list("code", flat=True)) == {"KE", "IN"}
    partners = set(partnership.participations.values_list("partner__name", "partner__status"))
    assert partners == {
        ("United Nations Office for South-South Cooperation", Status.PUBLISHED),
        ("Kenya Solar Cooperative", Status.DRAFT),
        ("India Irrigation Network", Status.DRAFT),
    }
    assert partnership.sources.get().url == "https://example.org/solar-pumps"
    submission = Submission.objects.get()
    assert (submission.submitter_name, submission.submitter_email) == ("Amina Odhiambo", "amina@example.org")
    assert submission.new_partners.count() == 2

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["curator@example.org"]
    assert "Solar pumps for smallholder farms" in message.subject
    assert f"/admin/partnerships/partnership/{partnership.pk}/change/" in message.body
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_the_proposal_appears_in_the_review_queue_with_the_submitter(
    client, client_as, curator, published_partner
):
    client.post(PARTNERSHIP_URL, _partnership_data(published_partner))
    queue = client_as(curator).get(reverse("admin:review_queue")).content.decode()
    assert "Solar pumps for smallholder farms" in queue
    assert "Public site: Amina Odhiambo" in queue


def test_an_event_proposal(client, curator, published_partner):
    response = client.post(
        EVENT_URL,
        {
            "title": "South-South Expo webinar",
            "event_type": Event.Type.WEBINAR,
            "description": "An online session on digital public goods for South-South exchange.",
            "start_date": "2031-09-12",
            "end_date": "",
            "timezone": "Africa/Nairobi",
            "attendance_mode": Event.AttendanceMode.ONLINE,
            "partners": [published_partner.pk],
            "new_partners": "",
            "source_url": "example.org/expo",
            "submitter_name": "Ravi",
            "submitter_email": "ravi@example.org",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.status == Status.IN_REVIEW
    assert event.local_start.date().isoformat() == "2031-09-12"
    assert event.timezone == "Africa/Nairobi"
    assert list(event.organisers.all()) == [published_partner]
    assert event.sources.get().url == "https://example.org/expo"
    assert Submission.objects.get().kind == "event"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"description": "Too short"}, "description", "at least 30 characters"),
        ({"submitter_email": "not-an-address"}, "submitter_email", "valid email"),
        ({"source_url": "not a link"}, "source_url", "valid URL"),
        ({"partners": [], "new_partners": ""}, "partners", "Name at least one partner"),
        ({"start_date": "2024-05-01", "end_date": "2023-01-01"}, "end_date", "cannot be before"),
        ({"new_partners": "\n".join(f"Org {i}" for i in range(11))}, "new_partners", "at most 10"),
        ({"description": "x" * 5001}, "description", "at most 5000 characters"),
        ({"language": "xx"}, "language", "Select a valid choice"),
    ],
)
def test_invalid_proposals_are_refused_with_clear_messages(client, overrides, field, message):
    response = client.post(PARTNERSHIP_URL, _partnership_data(**overrides))

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert "Please correct the" in response.content.decode()
    assert (
        not Partnership.objects.exists() and not Partner.objects.exists() and not Submission.objects.exists()
    )


def test_a_proposal_is_in_the_language_the_visitor_reads_the_site_in(client, published_partner):
    form = client.get("/fr" + PARTNERSHIP_URL).content.decode()
    assert '<option value="fr" selected>' in form
    client.post("/fr" + PARTNERSHIP_URL, _partnership_data(published_partner, title="Pompes solaires"))
    assert Partnership.objects.get(title="Pompes solaires").language == "fr"
    # A language chosen in the form wins over the interface's.
    client.post(PARTNERSHIP_URL, _partnership_data(published_partner, title="Bombas solares", language="es"))
    assert Partnership.objects.get(title="Bombas solares").language == "es"


def test_unpublished_partners_cannot_be_chosen(client, make_partner):
    draft = make_partner("A draft partner")
    response = client.post(PARTNERSHIP_URL, _partnership_data(partners=[draft.pk], new_partners=""))
    assert response.status_code == 400
    assert "partners" in response.context["form"].errors
    assert "A draft partner" not in client.get(PARTNERSHIP_URL).content.decode()


def test_the_honeypot_pretends_success_and_creates_nothing(
    client, curator, published_partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PARTNERSHIP_URL, _partnership_data(published_partner, homepage="http://spam.example")
        )
    assert response.status_code == 302
    assert not Partnership.objects.exists() and not Submission.objects.exists()
    assert mail.outbox == []


def test_the_rate_limit_counts_proposals_per_address(client, published_partner, settings):
    settings.SUBMISSION_RATE_LIMIT = 2
    for n in range(2):
        assert (
            client.post(PARTNERSHIP_URL, _partnership_data(published_partner, title=f"P{n}")).status_code
            == 302
        )

    response = client.post(PARTNERSHIP_URL, _partnership_data(published_partner, title="One too many"))

    assert response.status_code == 429
    assert "Too many proposals" in response.content.decode()
    assert Partnership.objects.count() == 2
    other_address = client.post(
        PARTNERSHIP_URL, _partnership_data(published_partner, title="From elsewhere"), REMOTE_ADDR="10.9.8.7"
    )
    assert other_address.status_code == 302


def test_proposals_stay_private_until_a_curator_publishes(client, client_as, curator, published_partner):
    client.post(PARTNERSHIP_URL, _partnership_data(published_partner))
    partnership = Partnership.objects.get()
    new_partner = Partner.objects.get(name="Kenya Solar Cooperative")
    public_pages = [
        "/partnerships/",
        partnership.get_absolute_url(),
        "/partners/",
        new_partner.get_absolute_url(),
        published_partner.get_absolute_url(),
    ]
    responses = {url: client.get(url) for url in public_pages}
    assert responses[partnership.get_absolute_url()].status_code == 404
    assert responses[new_partner.get_absolute_url()].status_code == 404
    for response in responses.values():
        html = response.content.decode()
        assert "Solar pumps" not in html and "Kenya Solar Cooperative" not in html
        assert "amina@example.org" not in html and "Amina Odhiambo" not in html

    client_as(curator).post(
        reverse("admin:partnerships_partnership_transition", args=[partnership.pk, "publish"])
    )
    client.logout()
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "Solar pumps for smallholder farms" in page
    assert "amina@example.org" not in page and "Amina Odhiambo" not in page
    assert "Kenya Solar Cooperative" not in page  # still a draft partner


def test_only_curators_see_the_submitters_details_in_the_admin(
    client, client_as, contributor, curator, published_partner
):
    client.post(PARTNERSHIP_URL, _partnership_data(published_partner))
    partnership = Partnership.objects.get()
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    assert "amina@example.org" in client_as(curator).get(url).content.decode()
    assert "amina@example.org" not in client_as(contributor).get(url).content.decode()
