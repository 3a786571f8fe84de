"""An API that clients can trust, tried as a client developer would: a client generated from the
schema by a tool no one here wrote (openapi-python-client), used anonymously; a misspelled filter
refused, naming the right one; errors that list the valid values; the server's own Last-Modified
answered 304; the list as CSV through `?format=csv`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest
from django.utils.http import http_date

from partnerships.models import Partner, Partnership
from registry.openapi import enum_member_names
from registry.workflow import Status
from tests.factories import PartnerFactory, PartnershipFactory

BIN = Path(sys.executable).parent


def _schema(client) -> dict:
    return json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)


class TestTheSchema:
    def test_enum_values_that_generators_would_fold_together_get_names(self):
        assert enum_member_names(["UTC", "Africa/Kigali"]) is None
        names = enum_member_names(["GMT", "GMT+0", "GMT-0", "GMT0", "Etc/GMT+1", "Etc/GMT-1", "Etc/GMT1"])
        assert names == [
            "GMT",
            "GMT_PLUS_0",
            "GMT_MINUS_0",
            "GMT0",
            "ETC_GMT_PLUS_1",
            "ETC_GMT_MINUS_1",
            "ETC_GMT1",
        ]

    @pytest.mark.django_db
    def test_the_time_zones_keep_their_enum_with_a_name_for_each(self, client):
        zones = _schema(client)["components"]["schemas"]["TimezoneEnum"]
        assert "Africa/Kigali" in zones["enum"] and len(zones["enum"]) > 400
        names = zones["x-enum-varnames"]
        assert len(names) == len(set(names)) == len(zones["enum"])
        assert names[zones["enum"].index("Etc/GMT-3")] == "ETC_GMT_MINUS_3"

    @pytest.mark.django_db
    def test_reads_need_no_credentials_and_writes_say_which(self, client):
        paths = _schema(client)["paths"]
        reads = [op for item in paths.values() for method, op in item.items() if method == "get"]
        assert reads and all("security" not in op for op in reads)
        writes = [op for item in paths.values() for method, op in item.items() if method in ("post", "patch")]
        writes = [op for op in writes if "reconcile" not in op["operationId"]]
        assert writes and all({"tokenAuth": []} in op["security"] for op in writes)


@pytest.mark.django_db
class TestParametersAndErrors:
    def test_a_misspelled_filter_is_refused_and_the_right_one_named(self, api):
        PartnershipFactory()
        response = api.get("/api/v1/partnerships/", {"sdgs": "17"})
        assert response.status_code == 400
        (message,) = response.json()["sdgs"]
        assert message.startswith("Unknown parameter. Did you mean sdg?")
        assert "page_size" in message and "started_after" in message
        for url in ("/api/v1/partnerships/export.csv", "/api/v1/partnerships/facets/", "/api/v1/partners/"):
            assert api.get(url, {"contry": "RW"}).status_code == 400, url
        # What the lists do read still works.
        assert (
            api.get("/api/v1/partnerships/", {"sdg": 17, "page_size": 5, "format": "json"}).status_code == 200
        )

    def test_a_bad_value_is_answered_with_the_valid_ones(self, api):
        body = api.get("/api/v1/partnerships/", {"sdg": 99}).json()
        assert "Valid values: 1, 2, 3" in " ".join(body["sdg"]) and "17." in " ".join(body["sdg"])
        body = api.get("/api/v1/partnerships/", {"role": "boss"}).json()
        assert any(m.startswith("Valid values:") and "pivotal" in m for m in body["role"])
        body = api.get("/api/v1/partners/", {"country": "XX"}).json()
        assert any("the API's schema lists them" in m for m in body["country"])


@pytest.mark.django_db(transaction=True)  # the registry's last change is stamped on commit
class TestConditionalRequests:
    def test_the_servers_own_last_modified_gets_a_304(self, api):
        PartnerFactory()
        first = api.get("/api/v1/partners/")
        assert first.status_code == 200 and first["Last-Modified"]
        again = api.get("/api/v1/partners/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert again.status_code == 304
        assert api.get("/api/v1/partners/", HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200


@pytest.mark.django_db
class TestTheListAsCSV:
    def test_format_csv_answers_the_export_of_the_same_filters(self, api):
        kept = PartnershipFactory(title="Kept")
        kept.sdgs.set([17])
        PartnershipFactory(title="Left out")
        PartnershipFactory(title="Draft", draft=True)
        for ask in ({"format": "csv"}, {}):
            headers = {} if ask else {"HTTP_ACCEPT": "text/csv"}
            response = api.get("/api/v1/partnerships/", {"sdg": 17, **ask}, **headers)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/csv")
            body = b"".join(response.streaming_content).decode("utf-8-sig")
            assert body == b"".join(
                api.get("/api/v1/partnerships/export.csv", {"sdg": 17}).streaming_content
            ).decode("utf-8-sig")
            assert [row["title"] for row in csv.DictReader(io.StringIO(body))] == ["Kept"]
        assert api.get("/api/v1/partnerships.csv").status_code == 200
        refused = api.get("/api/v1/partnerships/", {"format": "csv", "sdgs": 1})
        assert refused.status_code == 400 and refused["Content-Type"].startswith("application/json")


SCRIPT = '''
"""Uses the generated client anonymously, as a researcher would."""

import sys

from ssc_registry_api_client import Client
from ssc_registry_api_client.api.partners import partners_retrieve
from ssc_registry_api_client.api.partnerships import partnerships_list
from ssc_registry_api_client.models import PaginatedPartnershipList, PartnerDetail

client = Client(base_url=sys.argv[1])
page = partnerships_list.sync(client=client, sdg=[17], page_size=5)
assert isinstance(page, PaginatedPartnershipList), page
titles: list[str] = [partnership.title for partnership in page.results]
print(page.count, "|".join(titles))
partner = partners_retrieve.sync("unossc", client=client)
assert isinstance(partner, PartnerDetail), partner
print(partner.name, partner.acronym, [relation.type_.value for relation in partner.relations])
'''


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_type_checks_and_reads_anonymously(live_server, tmp_path):
    undp = PartnerFactory(slug="undp", name="United Nations Development Programme", acronym="UNDP")
    PartnerFactory(slug="unossc", name="UN Office for South-South Cooperation", acronym="UNOSSC", parent=undp)
    green = PartnershipFactory(title="Green economy across seven platforms")
    green.sdgs.set([17])
    PartnershipFactory(title="Not about SDG 17")
    PartnershipFactory(title="A draft", draft=True).sdgs.set([17])
    assert Partner.objects.filter(status=Status.PUBLISHED).count() == 2
    assert Partnership.objects.filter(status=Status.PUBLISHED).count() == 2

    schema = tmp_path / "schema.json"
    with urllib.request.urlopen(live_server.url + "/api/v1/schema/?format=json") as answer:  # noqa: S310
        schema.write_bytes(answer.read())
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(  # noqa: S603
        [
            BIN / "openapi-python-client",
            "generate",
            "--path",
            schema,
            "--meta",
            "none",
            "--output-path",
            tmp_path / "ssc_registry_api_client",
        ],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout
    script = tmp_path / "use_client.py"
    script.write_text(textwrap.dedent(SCRIPT))
    checked = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            # The generated package's own code is the generator's business: check our use of it.
            "--follow-imports=silent",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            script.name,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**environment, "MYPYPATH": str(tmp_path)},
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = subprocess.run(  # noqa: S603
        [sys.executable, script.name, live_server.url],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    lines = ran.stdout.splitlines()
    assert lines[0] == "1 Green economy across seven platforms"
    assert lines[1] == "UN Office for South-South Cooperation UNOSSC ['parent']"
