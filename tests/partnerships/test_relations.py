"""Relations between organisations (ROR's types: parent, child, predecessor, successor), with their
dates: refused when they make no sense on every path, read from both sides, shown on partner pages,
in the API, the reconciliation service and the dump, never naming a draft, and kept through merges."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.models import OrganisationRelation, Partner, PartnerRelation
from partnerships.services import partner_merge
from registry.workflow import Status
from tests.factories import PartnerFactory
from tests.sscregistry.test_authorization import admin_form_data

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def family():
    """UNDP hosts UNOSSC; UNOSSC was the Special Unit for South-South Cooperation until 2012 (its
    predecessor), and belonged to a former parent until 2003; a draft successor no one may see."""
    undp = PartnerFactory(name="United Nations Development Programme", acronym="UNDP", slug="undp")
    unossc = PartnerFactory(
        name="United Nations Office for South-South Cooperation", acronym="UNOSSC", slug="unossc", parent=undp
    )
    special_unit = PartnerFactory(name="Special Unit for South-South Cooperation", slug="su-ssc")
    former = PartnerFactory(name="Former host", slug="former-host")
    draft = PartnerFactory(name="Draft successor", slug="draft-successor", draft=True)
    PartnerRelation.objects.create(
        partner=unossc, kind="predecessor", related=special_unit, start_date=D(2012, 1, 1)
    )
    PartnerRelation.objects.create(
        partner=unossc, kind="parent", related=former, start_date=D(1978, 9, 12), end_date=D(2003, 12, 31)
    )
    PartnerRelation.objects.create(partner=draft, kind="predecessor", related=unossc)
    return {"undp": undp, "unossc": unossc, "su": special_unit, "former": former, "draft": draft}


def _kinds(partner: Partner) -> set[tuple[str, str, datetime.date | None, datetime.date | None]]:
    rows = OrganisationRelation.objects.filter(partner=partner).select_related("related")
    return {(r.kind, r.related.slug, r.start_date, r.end_date) for r in rows}


class TestTheRules:
    def test_each_relation_reads_from_both_sides(self, family):
        assert _kinds(family["unossc"]) == {
            ("parent", "undp", None, None),
            ("parent", "former-host", D(1978, 9, 12), D(2003, 12, 31)),
            ("predecessor", "su-ssc", D(2012, 1, 1), None),
            ("successor", "draft-successor", None, None),
        }
        assert _kinds(family["undp"]) == {("child", "unossc", None, None)}
        assert _kinds(family["su"]) == {("successor", "unossc", D(2012, 1, 1), None)}
        assert _kinds(family["former"]) == {("child", "unossc", D(1978, 9, 12), D(2003, 12, 31))}

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"kind": "parent"}, "A former parent needs the date the relation ended"),
            (
                {"kind": "predecessor", "start_date": D(2010, 1, 1), "end_date": D(2009, 1, 1)},
                "cannot be before",
            ),
            ({"kind": "sibling"}, "sibling"),
            ({"kind": "predecessor", "start_date": D(1066, 1, 1)}, ""),
        ],
    )
    def test_nonsense_is_refused_by_the_model_and_the_database(self, family, fields, message):
        relation = PartnerRelation(partner=family["undp"], related=family["former"], **fields)
        with pytest.raises(ValidationError) as error:
            relation.full_clean()
        assert message in str(error.value)
        with pytest.raises(IntegrityError), transaction.atomic():
            PartnerRelation.objects.create(partner=family["undp"], related=family["former"], **fields)

    def test_an_organisation_is_not_its_own_predecessor(self, family):
        relation = PartnerRelation(partner=family["undp"], related=family["undp"], kind="predecessor")
        with pytest.raises(ValidationError, match="cannot be related to itself"):
            relation.full_clean()
        with pytest.raises(IntegrityError), transaction.atomic():
            relation.save()

    def test_a_successor_cannot_also_be_the_predecessor(self, family):
        relation = PartnerRelation(partner=family["su"], related=family["unossc"], kind="predecessor")
        with pytest.raises(ValidationError, match="already recorded as this one's successor"):
            relation.full_clean()

    def test_the_same_relation_is_stored_once(self, family):
        duplicate = PartnerRelation(partner=family["unossc"], related=family["su"], kind="predecessor")
        with pytest.raises(ValidationError):
            duplicate.full_clean()

    def test_the_admin_edits_them_on_the_partner_page_with_the_same_rules(self, client_as, curator, family):
        client = client_as(curator)
        partner = family["former"]
        Partner.objects.filter(pk=partner.pk).update(status=Status.DRAFT)
        url = f"/admin/partnerships/partner/{partner.pk}/change/"
        data = admin_form_data(client, url)
        assert data["relations-TOTAL_FORMS"] == 0
        data |= {
            "relations-TOTAL_FORMS": "1",
            "relations-0-kind": "parent",
            "relations-0-related": str(family["undp"].pk),
            "relations-0-start_date": "1990-01-01",
        }
        response = client.post(url, data)
        assert response.status_code == 200  # the form again, with the error
        assert "A former parent needs the date the relation ended" in response.content.decode()
        assert not PartnerRelation.objects.filter(partner=partner).exists()
        data["relations-0-end_date"] = "1999-12-31"
        assert client.post(url, data).status_code == 302
        relation = PartnerRelation.objects.get(partner=partner)
        assert (relation.related, relation.end_date) == (family["undp"], D(1999, 12, 31))


class TestWhereTheyShow:
    def test_the_partner_page_lists_them_with_their_dates_and_no_draft(self, client, family):
        html = client.get("/partners/unossc/").content.decode()
        assert "Part of" in html and "/partners/undp/" in html
        assert "Formerly part of" in html and "/partners/former-host/" in html
        assert "Succeeded" in html and "/partners/su-ssc/" in html
        assert "Draft successor" not in html and "Succeeded by" not in html
        assert "12 September 1978 to 31 December 2003" in html
        other = client.get("/partners/su-ssc/").content.decode()
        assert "Succeeded by" in other and "/partners/unossc/" in other and "from 1 January 2012" in other
        assert "Formerly included" in client.get("/partners/former-host/").content.decode()

    def test_the_page_speaks_the_visitors_language(self, client, family):
        html = client.get("/fr/partners/su-ssc/").content.decode()
        assert "Remplacé par" in html
        assert "Remplacé par" not in client.get("/partners/su-ssc/").content.decode()

    def test_the_api_names_them_and_never_a_draft(self, api, family):
        body = api.get("/api/v1/partners/unossc/").json()
        assert [
            (r["type"], r["partner"]["slug"], r["start_date"], r["end_date"]) for r in body["relations"]
        ] == [
            ("parent", "former-host", "1978-09-12", "2003-12-31"),
            ("parent", "undp", None, None),
            ("predecessor", "su-ssc", "2012-01-01", None),
        ]
        assert "draft-successor" not in json.dumps(body)
        undp = api.get("/api/v1/partners/undp/").json()
        assert undp["relations"] == [
            {
                "type": "child",
                "partner": {
                    "slug": "unossc",
                    "name": "United Nations Office for South-South Cooperation",
                    "acronym": "UNOSSC",
                    "country": "RW",
                },
                "start_date": None,
                "end_date": None,
            }
        ]

    def test_a_list_reads_them_in_a_fixed_number_of_queries(self, api, family, django_assert_max_num_queries):
        with django_assert_max_num_queries(12) as few:
            api.get("/api/v1/partners/", {"page_size": 2})
        for n in range(20):
            a, b = PartnerFactory(), PartnerFactory()
            PartnerRelation.objects.create(
                partner=a, kind="predecessor", related=b, start_date=D(2000 + n, 1, 1)
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            body = api.get("/api/v1/partners/", {"page_size": 100}).json()
        assert sum(len(p["relations"]) for p in body["results"]) >= 40

    def test_the_reconciliation_service_extends_them(self, client, family):
        query = {
            "ids": ["unossc", "undp", "su-ssc"],
            "properties": [{"id": p} for p in ("parent", "children", "predecessors", "successors")],
        }
        rows = client.post("/api/v1/reconcile/partners", {"extend": json.dumps(query)}).json()["rows"]
        assert rows["unossc"]["parent"] == [{"id": "undp", "name": "United Nations Development Programme"}]
        assert rows["unossc"]["predecessors"] == [
            {"id": "su-ssc", "name": "Special Unit for South-South Cooperation"}
        ]
        assert rows["unossc"]["successors"] == []  # the draft is not named
        assert rows["undp"]["children"] == [
            {"id": "unossc", "name": "United Nations Office for South-South Cooperation"}
        ]
        assert rows["su-ssc"]["successors"] == [
            {"id": "unossc", "name": "United Nations Office for South-South Cooperation"}
        ]


class TestMerging:
    def test_a_merge_moves_relations_and_drops_those_between_the_two(self, family, superuser):
        unossc, su = family["unossc"], family["su"]
        later = PartnerFactory(name="Later office", slug="later")
        PartnerRelation.objects.create(
            partner=later, kind="predecessor", related=su, start_date=D(2020, 1, 1)
        )
        partner_merge(survivor=unossc, duplicate=su, user=superuser)
        assert _kinds(unossc) == {
            ("parent", "undp", None, None),
            ("parent", "former-host", D(1978, 9, 12), D(2003, 12, 31)),
            ("successor", "draft-successor", None, None),
            ("successor", "later", D(2020, 1, 1), None),
        }
        assert not PartnerRelation.objects.filter(partner=unossc, related=unossc).exists()
