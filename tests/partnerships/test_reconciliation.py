"""The reconciliation services (registry/reconciliation.py, partnerships/reconcile.py), driven as
OpenRefine drives them: the manifest, then batches of queries POSTed as a form field, suggest,
preview and data extension. Every answer is checked against the specification's JSON Schemas."""

from __future__ import annotations

import json
from typing import Any

import pytest

from partnerships.models import Partner, Partnership
from partnerships.services import partner_merge
from registry.reconciliation import MAX_QUERIES, schema_errors
from registry.workflow import Status
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
PARTNERS = "/api/v1/reconcile/partners"
PARTNERSHIPS = "/api/v1/reconcile/partnerships"


def fits(schema: str, body: Any) -> Any:
    problems = schema_errors(schema, body)
    assert not problems, problems
    return body


def reconcile(client, queries: dict[str, Any], url: str = PARTNERS) -> dict[str, Any]:
    # OpenRefine POSTs `queries` as an application/x-www-form-urlencoded field.
    response = client.post(url, {"queries": json.dumps(queries)})
    assert response.status_code == 200, response.content
    return fits("reconciliation-result-batch", response.json())


def refused(client, url: str = PARTNERS, method: str = "post", **params: Any) -> dict[str, Any]:
    response = getattr(client, method)(url, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    return body


class TestManifest:
    @pytest.mark.parametrize("url", [PARTNERS, PARTNERSHIPS])
    def test_the_manifest_fits_the_specification_and_points_at_every_part(self, seeded, client, url):
        manifest = fits("manifest", client.get(url).json())
        assert manifest["versions"] == ["0.2"]
        # Every address it names answers.
        entity = manifest["suggest"]["entity"]
        assert client.get(entity["service_url"] + entity["service_path"], {"prefix": "un"}).status_code == 200
        propose = manifest["extend"]["propose_properties"]
        assert client.get(propose["service_url"] + propose["service_path"]).status_code == 200
        kind = "partners" if url == PARTNERS else "partnerships"
        assert manifest["view"]["url"] == f"http://testserver/{kind}/{{{{id}}}}/"
        assert manifest["identifierSpace"] == f"http://testserver/{kind}/"

    def test_it_may_be_read_from_a_browser_on_another_origin(self, seeded, client):
        response = client.get(PARTNERS, HTTP_ORIGIN="http://127.0.0.1:3333")
        assert response["Access-Control-Allow-Origin"] == "*"


class TestReconcilingPartners:
    def test_a_batch_answers_each_query_with_the_matchers_candidates(self, seeded, client):
        body = reconcile(
            client,
            {
                "q0": {"query": "UNOSSC", "type": "partner"},
                "q1": {"query": "FNs organisasjon for sør-sør samarbeid", "limit": 3},
                "q2": {"query": "Norsk senter for utvekslingssamarbeid"},
                "q3": {"query": "UNOOSA"},
                "q4": {"query": "the Director for UNOSSC"},
            },
        )
        assert list(body) == ["q0", "q1", "q2", "q3", "q4"]
        first = body["q0"]["result"][0]
        assert first["id"] == "unossc" and first["match"] is True
        assert {"id": "acronym", "value": True} in first["features"]
        assert {"id": "partner", "name": "Partner organisation"} in first["type"]
        assert body["q1"]["result"][0]["id"] == "unossc" and body["q1"]["result"][0]["match"]
        assert len(body["q1"]["result"]) <= 3
        assert body["q2"]["result"][0]["id"] == "norec" and body["q2"]["result"][0]["match"]
        # The hard negative is never a match, nor an acronym inside a longer text.
        assert not any(c["match"] for c in body["q3"]["result"])
        assert "unossc" in [c["id"] for c in body["q4"]["result"]]
        assert not any(c["match"] for c in body["q4"]["result"])
        for result in body.values():
            assert sum(c["match"] for c in result["result"]) <= 1

    def test_a_country_property_tells_namesakes_apart(self, client):
        PartnerFactory(
            slug="moa-ke", name="Ministry of Agriculture", country_id="KE", status=Status.PUBLISHED
        )
        PartnerFactory(
            slug="moa-rw", name="Ministry of Agriculture", country_id="RW", status=Status.PUBLISHED
        )
        body = reconcile(
            client,
            {
                "none": {"query": "Ministry of Agriculture"},
                "code": {"query": "Ministry of Agriculture", "properties": [{"pid": "country", "v": "rw"}]},
                "name": {
                    "query": "Ministry of Agriculture",
                    "properties": [{"pid": "country", "v": "Kenya"}],
                },
            },
        )
        assert not any(c["match"] for c in body["none"]["result"])
        assert body["code"]["result"][0] | {} and body["code"]["result"][0]["id"] == "moa-rw"
        assert body["code"]["result"][0]["match"]
        assert body["name"]["result"][0]["id"] == "moa-ke" and body["name"]["result"][0]["match"]

    def test_an_identifier_property_is_a_sure_match(self, client):
        PartnerFactory(slug="harvard", name="Harvard University", ror_id="03vek6s52", status=Status.PUBLISHED)
        PartnerFactory(slug="other", name="Some other university", status=Status.PUBLISHED)
        body = reconcile(
            client,
            {
                "by-ror": {
                    "query": "Some other university",
                    "properties": [{"pid": "ror_id", "v": "https://ror.org/03VEK6S52"}],
                },
                "only-ror": {"properties": [{"pid": "ror_id", "v": "03vek6s52"}]},
            },
        )
        first = body["by-ror"]["result"][0]
        assert first["id"] == "harvard" and first["match"] and first["score"] == 1.0
        assert not any(c["match"] for c in body["by-ror"]["result"][1:])
        assert [c["id"] for c in body["only-ror"]["result"]] == ["harvard"]

    def test_drafts_are_never_candidates_suggestions_previews_or_values(self, client):
        PartnerFactory(slug="secret", name="Secret Draft Agency", acronym="SDA", status=Status.DRAFT)
        body = reconcile(client, {"q": {"query": "Secret Draft Agency"}})
        assert body["q"]["result"] == []
        suggested = client.get(f"{PARTNERS}/suggest/entity", {"prefix": "secret"}).json()
        assert fits("suggest-entities-response", suggested)["result"] == []
        assert client.get(f"{PARTNERS}/preview", {"id": "secret"}).status_code == 404
        extended = client.post(
            PARTNERS, {"extend": json.dumps({"ids": ["secret"], "properties": [{"id": "acronym"}]})}
        )
        assert fits("data-extension-response", extended.json())["rows"] == {"secret": {"acronym": []}}

    def test_a_query_can_be_sent_by_get_as_well(self, seeded, client):
        response = client.get(PARTNERS, {"queries": json.dumps({"q0": {"query": "Norec"}})})
        assert fits("reconciliation-result-batch", response.json())["q0"]["result"][0]["id"] == "norec"

    def test_a_batch_of_the_largest_size_answers(self, seeded, client):
        queries = {f"q{i}": {"query": name} for i, name in enumerate(["UNOSSC", "Norec", "FAO", "WFP"] * 25)}
        assert len(queries) == MAX_QUERIES
        body = reconcile(client, queries)
        assert list(body) == list(queries)

    def test_a_merged_duplicates_slug_still_names_its_survivor(self, seeded, client, superuser):
        survivor = Partner.objects.get(slug="norec")
        duplicate = PartnerFactory(slug="norec-duplicate", name="Norec (duplicate)", status=Status.PUBLISHED)
        partner_merge(survivor=survivor, duplicate=duplicate, user=superuser)
        query = {"ids": ["norec-duplicate"], "properties": [{"id": "url"}]}
        rows = fits("data-extension-response", client.post(PARTNERS, {"extend": json.dumps(query)}).json())[
            "rows"
        ]
        assert rows == {"norec-duplicate": {"url": [{"str": "/partners/norec/"}]}}
        assert "Norec" in client.get(f"{PARTNERS}/preview", {"id": "norec-duplicate"}).content.decode()


class TestBadInput:
    @pytest.mark.parametrize(
        "raw",
        [
            "not json",
            "[1, 2]",
            '{"q0": {"query": 5}}',
            '{"q0": {"limit": 3}}',
            '{"q0": {"query": "x", "extra": 1}}',
        ],
    )
    def test_a_batch_that_does_not_fit_the_schema_is_a_400(self, client, raw):
        refused(client, queries=raw)

    @pytest.mark.parametrize(
        "query, why",
        [
            ({"query": ""}, "Give the text"),
            ({"query": "x" * 10_000}, "at most"),
            ({"query": "UN\x00OSSC"}, ""),
            ({"query": "UNOSSC", "properties": [{"pid": "country", "v": "Narnia"}]}, "Narnia"),
            ({"query": "UNOSSC", "type": "spaceship"}, "spaceship"),
            ({"query": "UNOSSC", "limit": 0}, "limit"),
            ({"query": "UNOSSC", "limit": 2.5}, "limit"),
            ({"query": "UNOSSC", "properties": [{"pid": "budget", "v": "1"}]}, "budget"),
            ({"query": "UNOSSC", "properties": [{"pid": "ror_id", "v": "03vek\x006s52"}]}, "ror_id"),
            ({"properties": [{"pid": "wikidata_id", "v": "Q" * 5000}]}, "at most"),
        ],
    )
    def test_a_query_the_service_cannot_answer_is_a_400_naming_it(self, client, query, why):
        body = refused(client, queries=json.dumps({"ok": {"query": "UNOSSC"}, "bad": query}))
        assert list(body["errors"]) == ["bad"]
        assert why in " ".join(body["errors"]["bad"])

    @pytest.mark.parametrize(
        "raw",
        [
            "[" * 100_000,
            '{"q": ' * 5_000 + "1" + "}" * 5_000,
            '{"q": {"query": "a", "properties": [{"pid": "country", "v": ' + "[" * 900 + "]" * 900 + "}]}}",
        ],
    )
    def test_json_nested_too_deeply_is_a_400_not_a_500(self, client, raw):
        for field in ("queries", "extend"):
            assert client.post(PARTNERS, {field: raw}).status_code == 400

    def test_a_body_over_the_upload_limit_is_refused(self, client):
        queries = {f"q{i}": {"query": "x" * 300} for i in range(20_000)}
        assert client.post(PARTNERS, {"queries": json.dumps(queries)}).status_code == 413

    def test_a_batch_over_the_limit_is_a_400(self, client):
        queries = {f"q{i}": {"query": "UNOSSC"} for i in range(MAX_QUERIES + 1)}
        assert "at most" in refused(client, queries=json.dumps(queries))["detail"]

    def test_an_id_no_slug_can_be_is_unknown_not_an_error(self, seeded, client):
        query = {"ids": ["a\x00b", "x" * 5000], "properties": [{"id": "url"}]}
        response = client.post(PARTNERS, {"extend": json.dumps(query)})
        assert fits("data-extension-response", response.json())["rows"] == {
            i: {"url": []} for i in query["ids"]
        }
        for url in (PARTNERS, PARTNERSHIPS):
            assert client.get(f"{url}/preview", {"id": "a\x00b"}).status_code == 404
        assert client.get("/api/v1/partners/a%00b/").status_code == 404

    def test_extension_queries_are_checked(self, client):
        refused(client, extend="{")
        refused(client, extend=json.dumps({"ids": ["x"]}))
        body = refused(client, extend=json.dumps({"ids": ["x"], "properties": [{"id": "password"}]}))
        assert "password" in body["errors"]["properties"][0]

    def test_suggest_refuses_control_characters_and_bad_cursors(self, client):
        refused(client, f"{PARTNERS}/suggest/entity", "get", prefix="a\x01")
        refused(client, f"{PARTNERS}/suggest/entity", "get", prefix="un", cursor="-1")
        refused(client, f"{PARTNERS}/extend/propose", "get", type="nothing")

    def test_posting_needs_no_csrf_token_and_changes_nothing(self, seeded, client):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)
        before = Partner.objects.count()
        response = strict.post(PARTNERS, {"queries": json.dumps({"q": {"query": "UNOSSC"}})})
        assert response.status_code == 200
        assert Partner.objects.count() == before
        assert client.delete(PARTNERS).status_code == 405


class TestSuggestPreviewExtend:
    def test_suggest_entity_completes_names_and_acronyms(self, seeded, client):
        body = fits(
            "suggest-entities-response", client.get(f"{PARTNERS}/suggest/entity", {"prefix": "unos"}).json()
        )
        assert body["result"][0]["id"] == "unossc"
        following = client.get(f"{PARTNERS}/suggest/entity", {"prefix": "un", "cursor": "1"}).json()
        first = client.get(f"{PARTNERS}/suggest/entity", {"prefix": "un"}).json()
        assert following["result"][0] == first["result"][1]

    def test_suggest_type_and_property(self, seeded, client):
        types = fits(
            "suggest-types-response", client.get(f"{PARTNERS}/suggest/type", {"prefix": "gov"}).json()
        )
        assert types["result"] and all("gov" in t["name"].casefold() for t in types["result"])
        properties = client.get(f"{PARTNERS}/suggest/property", {"prefix": "ror"}).json()
        assert [p["id"] for p in fits("suggest-properties-response", properties)["result"]] == ["ror_id"]

    def test_the_preview_is_a_small_page_openrefine_may_frame(self, seeded, client):
        response = client.get(f"{PARTNERS}/preview", {"id": "unossc"})
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        assert "frame-ancestors *" in response["Content-Security-Policy"]
        page = response.content.decode()
        assert "United Nations Office for South-South Cooperation" in page
        assert "http://testserver/partners/unossc/" in page
        # Every other page still refuses to be framed.
        assert client.get("/partners/unossc/")["X-Frame-Options"] == "DENY"

    def test_propose_and_extend_fetch_identifiers_and_the_parent(self, seeded, client):
        proposed = fits(
            "data-extension-property-proposal",
            client.get(f"{PARTNERS}/extend/propose", {"type": "partner"}).json(),
        )
        ids = [p["id"] for p in proposed["properties"]]
        assert {"ror_id", "wikidata_id", "iati_identifier", "identifier", "parent", "country"} <= set(ids)
        Partner.objects.filter(slug="unossc").update(wikidata_id="Q7887467")
        query = {
            "ids": ["unossc", "norec", "nobody"],
            "properties": [
                {"id": "wikidata_id"},
                {"id": "parent"},
                {"id": "country"},
                {"id": "alternative_names"},
            ],
        }
        body = fits("data-extension-response", client.post(PARTNERS, {"extend": json.dumps(query)}).json())
        assert [m["id"] for m in body["meta"]] == ["wikidata_id", "parent", "country", "alternative_names"]
        assert body["meta"][1]["type"] == {"id": "partner", "name": "Partner organisation"}
        unossc = body["rows"]["unossc"]
        assert unossc["wikidata_id"] == [{"str": "Q7887467"}]
        parent = Partner.objects.get(slug="unossc").parent
        assert unossc["parent"] == [{"id": parent.slug, "name": parent.name}]
        assert {"str": "FNs organisasjon for sør-sør-samarbeid"} in unossc["alternative_names"]
        assert body["rows"]["nobody"] == {p["id"]: [] for p in query["properties"]}

    def test_extension_queries_are_constant_in_number_of_ids(
        self, seeded, client, django_assert_max_num_queries
    ):
        slugs = list(Partner.objects.published().values_list("slug", flat=True))
        query = {
            "ids": slugs,
            "properties": [{"id": p} for p in ("parent", "alternative_names", "country", "url")],
        }
        with django_assert_max_num_queries(8):
            response = client.post(PARTNERS, {"extend": json.dumps(query)})
        assert len(fits("data-extension-response", response.json())["rows"]) == len(slugs)


class TestReconcilingPartnerships:
    def test_a_title_in_any_case_is_a_match(self, seeded, client):
        body = reconcile(
            client,
            {
                "exact": {
                    "query": "unossc and world green economy organization partnership for the green economy"
                },
                "near": {"query": "UNOSSC World Green Economy partnership"},
                "none": {"query": "Lunar mining consortium"},
            },
            PARTNERSHIPS,
        )
        exact = body["exact"]["result"][0]
        assert exact["id"] == "unossc-wgeo-green-economy" and exact["match"] and exact["score"] == 1.0
        assert body["near"]["result"][0]["id"] == "unossc-wgeo-green-economy"
        assert not body["near"]["result"][0]["match"]
        assert not any(c["match"] for c in body["none"]["result"])

    def test_extend_gives_partners_as_entities_of_the_partners_service(self, seeded, client):
        query = {
            "ids": ["unossc-wgeo-green-economy"],
            "properties": [{"id": "partners"}, {"id": "start_date"}],
        }
        body = fits(
            "data-extension-response", client.post(PARTNERSHIPS, {"extend": json.dumps(query)}).json()
        )
        partners = body["rows"]["unossc-wgeo-green-economy"]["partners"]
        assert {"unossc", "wgeo"} <= {p["id"] for p in partners}
        assert body["meta"][0]["type"]["id"] == "partner"

    def test_draft_partnerships_are_not_reconciled(self, seeded, client):
        Partnership.objects.filter(slug="unossc-wgeo-green-economy").update(status=Status.DRAFT)
        body = reconcile(
            client,
            {"q": {"query": "UNOSSC and World Green Economy Organization partnership for the green economy"}},
            PARTNERSHIPS,
        )
        assert "unossc-wgeo-green-economy" not in [c["id"] for c in body["q"]["result"]]


@pytest.mark.django_db(transaction=True)
def test_a_large_batch_shared_among_threads_answers_as_one_thread_does(client, settings):
    # Committed rows, which the threads' own connections see.
    PartnerFactory(slug="unossc", name="United Nations Office for South-South Cooperation", acronym="UNOSSC")
    PartnerFactory(slug="norec", name="Norwegian Agency for Exchange Cooperation", acronym="Norec")
    PartnerFactory(slug="moa-rw", name="Ministry of Agriculture", country_id="RW")
    Partner.objects.update(status=Status.PUBLISHED)
    names = ["UNOSSC", "Norec", "UNOOSA", "Ministry of Agriculture", "Norwegian Agency", "nothing at all"]
    queries = {f"q{i}": {"query": name, "limit": 3} for i, name in enumerate(names * 10)}
    settings.RECONCILE_WORKERS = 1
    alone = reconcile(client, queries)
    assert alone["q0"]["result"][0]["id"] == "unossc" and alone["q0"]["result"][0]["match"]
    settings.RECONCILE_WORKERS = 3
    assert reconcile(client, queries) == alone


@pytest.mark.parametrize(
    "prefix, words", [("", "OpenRefine"), ("/fr", "réconciliation"), ("/es", "conciliación")]
)
def test_the_about_page_tells_how_to_add_the_service_in_each_language(client, prefix, words):
    page = client.get(f"{prefix}/about/api/").content.decode()
    section = page[page.index('id="reconciliation"') :]
    assert words in section and "http://testserver/api/v1/reconcile/partners" in section
