"""Every part of a record (its sources, names, participants, ...) follows the record's workflow.

A contributor changed a published partner's source to a phishing address through the standalone
source-link page, and it showed at once on the site and in the API. Parts are now edited only on
their record's page (inlines) or through its API resource, both of which apply the record's rules.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from partnerships.models import PartnerName
from registry.models import SourceLink
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_partner_with_source():
    partner = PartnerFactory(name="Norec")
    source = SourceLink.objects.create(
        content_type=ContentType.objects.get_for_model(partner),
        object_id=partner.pk,
        url="https://www.norec.no/",
        title="Norec",
    )
    return partner, source


@pytest.mark.parametrize("role", ["contributor", "curator"])
def test_the_standalone_source_page_changes_nothing(client_as, request, role, published_partner_with_source):
    partner, source = published_partner_with_source
    client = client_as(request.getfixturevalue(role))
    listing = client.get("/admin/registry/sourcelink/")
    assert listing.status_code == 200
    assert f"/admin/partnerships/partner/{partner.pk}/change/" in listing.text

    change = client.post(
        f"/admin/registry/sourcelink/{source.pk}/change/",
        {
            "url": "https://phishing.example/login",
            "title": "Norec",
            "content_type": source.content_type_id,
            "object_id": partner.pk,
        },
    )
    delete = client.post(f"/admin/registry/sourcelink/{source.pk}/delete/", {"post": "yes"})
    add = client.post(
        "/admin/registry/sourcelink/add/",
        {"url": "https://phishing.example/", "content_type": source.content_type_id, "object_id": partner.pk},
    )
    assert change.status_code == 403 and delete.status_code == 403 and add.status_code == 403
    assert list(SourceLink.objects.values_list("url", flat=True)) == ["https://www.norec.no/"]


def test_a_contributor_cannot_change_a_published_records_parts_on_its_page(
    client_as, contributor, published_partner_with_source
):
    from tests.sscregistry.test_authorization import admin_form_data

    partner, source = published_partner_with_source
    PartnerName.objects.create(partner=partner, name="Norsk senter for utvekslingssamarbeid")
    client = client_as(contributor)
    url = f"/admin/partnerships/partner/{partner.pk}/change/"
    response = client.get(url)
    assert response.status_code == 200  # contributors may look
    data = admin_form_data(client, url)
    for key in list(data):
        if key.endswith("-url"):
            data[key] = "https://phishing.example/login"
        if key.startswith("alternative_names-0-name") or key.endswith("-0-name"):
            data[key] = "Phishing name"
    assert client.post(url, data).status_code == 403
    assert list(SourceLink.objects.values_list("url", flat=True)) == ["https://www.norec.no/"]
    assert list(PartnerName.objects.values_list("name", flat=True)) == [
        "Norsk senter for utvekslingssamarbeid"
    ]


def test_a_contributor_cannot_change_a_published_records_parts_through_the_api(contributor):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    partner = PartnerFactory(name="Norec")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=contributor).key}")
    response = api.patch(
        f"/api/v1/partners/{partner.slug}/",
        {"sources": [{"url": "https://phishing.example/"}], "alternative_names": [{"name": "X"}]},
        format="json",
    )
    assert response.status_code in (403, 404)
    assert not SourceLink.objects.exists() and not PartnerName.objects.exists()
