"""Read replicas: the router's choices, the request boundary, and the settings that enable them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.http import HttpResponse
from django.test import RequestFactory

from partnerships.models import Partnership
from sscregistry.db_router import PrimaryReplicaRouter, ReadAfterWriteMiddleware

ROOT = Path(__file__).resolve().parent.parent


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
