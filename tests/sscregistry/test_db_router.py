"""Read replicas: the router's choices, the request boundary, and the settings that enable them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from partnerships.models import Partnership
from sscregistry.db_router import PrimaryReplicaRouter, ReadAfterWriteMiddleware

ROOT = Path(__file__).resolve().parent.parent.parent


def _in_a_request(view):
    return ReadAfterWriteMiddleware(view)(RequestFactory().get("/"))


def test_reads_go_to_a_replica_and_writes_to_the_primary():
    router = PrimaryReplicaRouter(replicas=["replica1", "replica2"])

    def view(request):
        assert router.db_for_read(Partnership) in {"replica1", "replica2"}
        assert router.db_for_write(Partnership) == "default"
        return HttpResponse()

    _in_a_request(view)


def test_reads_after_a_write_in_the_same_request_go_to_the_primary():
    router = PrimaryReplicaRouter(replicas=["replica1"])

    def view(request):
        router.db_for_write(Partnership)
        assert router.db_for_read(Partnership) == "default"
        return HttpResponse()

    _in_a_request(view)


def test_the_next_request_reads_from_a_replica_again():
    router = PrimaryReplicaRouter(replicas=["replica1"])

    def writes(request):
        router.db_for_write(Partnership)
        return HttpResponse()

    def reads(request):
        assert router.db_for_read(Partnership) == "replica1"
        return HttpResponse()

    _in_a_request(writes)
    _in_a_request(reads)


def test_without_replicas_everything_goes_to_the_primary():
    router = PrimaryReplicaRouter(replicas=[])
    assert router.db_for_read(Partnership) == "default"


def test_only_the_primary_is_migrated():
    router = PrimaryReplicaRouter(replicas=["replica1"])
    assert router.allow_migrate("default", "partnerships")
    assert not router.allow_migrate("replica1", "partnerships")


def _settings_with(env: dict[str, str]) -> dict:
    code = (
        "import json; from sscregistry import settings as s; "
        "print(json.dumps({'aliases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS, "
        "'middleware': s.MIDDLEWARE[1], 'replica': s.DATABASES.get('replica2'), "
        "'cursors': s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']}, default=str))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_REPLICA_URLS", "DISABLE_SERVER_SIDE_CURSORS")
    }
    output = subprocess.run(  # nosec B603: our own interpreter and settings module
        [sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


def test_replica_urls_add_mirrored_aliases_and_the_router():
    found = _settings_with(
        {"DATABASE_REPLICA_URLS": "postgres://r1.example/registry, postgres://r2.example/registry"}
    )
    assert found["aliases"] == ["default", "replica1", "replica2"]
    assert found["routers"] == ["sscregistry.db_router.PrimaryReplicaRouter"]
    assert found["middleware"] == "sscregistry.db_router.ReadAfterWriteMiddleware"
    assert found["replica"]["HOST"] == "r2.example"
    assert found["replica"]["TEST"] == {"MIRROR": "default"}


def test_no_replicas_no_router_and_pgbouncer_mode_from_the_environment():
    assert _settings_with({})["routers"] == []
    assert _settings_with({"DISABLE_SERVER_SIDE_CURSORS": "true"})["cursors"] is True


# The same router against two real databases: a primary and a "replica" holding different rows, so
# the answers show which one each read went to.
REPLICA_SCRIPT = """
import json
import django
django.setup()
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from partnerships.models import Partnership
from sscregistry.db_router import ReadAfterWriteMiddleware

def record(alias, title, slug):
    Partnership.objects.using(alias).create(
        title=title, slug=slug, status="published", published_at=timezone.now()
    )

record("replica1", "Only on the replica", "only-replica")
record("default", "Only on the primary", "only-primary")
listed = Client().get("/api/v1/partnerships/").json()["results"]
seen = {}

def writes_then_reads(request):
    Partnership.objects.filter(slug="only-primary").update(summary="Edited")
    seen["after_write"] = sorted(Partnership.objects.values_list("slug", flat=True))
    return HttpResponse()

def reads(request):
    seen["next_request"] = sorted(Partnership.objects.values_list("slug", flat=True))
    return HttpResponse()

ReadAfterWriteMiddleware(writes_then_reads)(RequestFactory().get("/"))
ReadAfterWriteMiddleware(reads)(RequestFactory().get("/"))
print(json.dumps({"api": [row["slug"] for row in listed], **seen}))
"""


# Transactional: the test database is copied as a template, so its rows must be committed and no
# transaction may hold a connection to it.
@pytest.mark.django_db(transaction=True)
def test_reads_and_writes_reach_the_right_real_database():
    import psycopg
    from django.db import connection, connections

    settings_dict = dict(connection.settings_dict)
    server = {"host": settings_dict["HOST"], "port": settings_dict["PORT"], "user": settings_dict["USER"]}
    names = ["router_primary", "router_replica"]
    connections.close_all()  # the test database is the template: nobody may be connected
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings_dict["NAME"]}"')
        try:
            host = quote(str(server["host"]), safe="")
            urls = [f"postgres://{server['user']}@{host}:{server['port']}/{name}" for name in names]
            env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ENV",)}
            env |= {
                "DATABASE_URL": urls[0],
                "DATABASE_REPLICA_URLS": urls[1],
                "API_ANON_THROTTLE_RATE": "off",
            }
            output = subprocess.run(  # nosec B603: our own interpreter and settings module
                [sys.executable, "-c", REPLICA_SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert output.returncode == 0, output.stderr[-3000:]
            seen = json.loads(output.stdout.strip().splitlines()[-1])
        finally:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert seen["api"] == ["only-replica"]  # an API read went to the replica
    assert seen["after_write"] == ["only-primary"]  # after a write, the same request reads the primary
    assert seen["next_request"] == ["only-replica"]  # and the next request reads a replica again
