"""Long imports as background jobs: the admin hands them to the task worker, which checks, then imports.

The worker is the real one: `manage.py db_worker` in a subprocess against the test database, or
django-tasks-db's worker loop in this process, over committed rows (`transaction=True`).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from partnerships.models import Partner
from registry import services, tasks
from registry.models import ImportJob
from registry.workflow import Status

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _partners_csv(rows: int, bad_row: int | None = None) -> bytes:
    lines = ["slug,name,country,status"]
    for n in range(1, rows + 1):
        country = "Narnia" if n == bad_row else "Colombia"
        lines.append(f"p{n},Partner number {n},{country},published")
    return ("\n".join(lines) + "\n").encode()


def _upload(client, content: bytes, name: str = "partners.csv"):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(
        reverse("admin:partnerships_partner_import"), {"resource": "0", "format": "0", "import_file": upload}
    )


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'].replace('/', '%2F')}:{s['PORT']}/{s['NAME']}"


def _run_worker_process() -> subprocess.CompletedProcess:
    """`manage.py db_worker` until the queue is empty, as `make run` starts it."""
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0",
        ],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": _database_url()},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _run_worker_here() -> None:
    """django-tasks-db's worker loop, in this process, until the queue is empty."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db
def test_the_admin_hands_a_long_file_to_a_job_and_writes_nothing(settings, client_as, curator):
    settings.IMPORT_BACKGROUND_ROWS = 3
    response = _upload(client_as(curator), _partners_csv(5))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:registry_importjob_change", args=[job.pk])
    assert (job.state, job.dry_run, job.rows_total, job.created_by) == ("queued", True, 5, curator)
    assert bytes(job.content) == _partners_csv(5)
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.task_path == "registry.tasks.run_import_job"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert not Partner.objects.exists()


@pytest.mark.django_db
def test_a_short_file_is_still_previewed_in_the_request(settings, client_as, curator):
    settings.IMPORT_BACKGROUND_ROWS = 5
    response = _upload(client_as(curator), _partners_csv(5))
    assert response.status_code == 200 and "confirm_form" in response.context
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_job_pages_show_progress_and_refresh_while_the_job_waits(settings, client_as, curator):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = client_as(curator)
    _upload(client, _partners_csv(5))
    job = ImportJob.objects.get()

    listing = client.get(reverse("admin:registry_importjob_changelist")).content.decode()
    page = client.get(reverse("admin:registry_importjob_change", args=[job.pk])).content.decode()

    for html in (listing, page):
        assert '<meta http-equiv="refresh" content="2">' in html
        assert '<progress value="0" max="5"></progress> 0 of 5 rows (0%)' in html
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE, rows_done=5)
    listing = client.get(reverse("admin:registry_importjob_changelist")).content.decode()
    assert "http-equiv" not in listing and "5 of 5 rows (100%)" in listing


@pytest.mark.django_db
def test_importers_see_only_their_own_jobs_and_only_they_confirm(client_as, curator, contributor, make_user):
    job = tasks.import_job_start(
        kind="partners",
        file_name="p.csv",
        file_format="csv",
        content=_partners_csv(2),
        rows=2,
        user=contributor,
    )
    other = make_user("other", "Contributors")
    client = client_as(other)
    assert client.get(reverse("admin:registry_importjob_change", args=[job.pk])).status_code == 302
    assert "p.csv" not in client.get(reverse("admin:registry_importjob_changelist")).content.decode()

    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.CHECKED)
    job.refresh_from_db()
    with pytest.raises(PermissionDenied):
        tasks.import_job_confirm(job=job, user=curator)
    assert (
        "Partners from p.csv"
        in client_as(curator).get(reverse("admin:registry_importjob_changelist")).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_process_checks_the_file_then_imports_it_once_confirmed(settings, client_as, curator):
    settings.IMPORT_BACKGROUND_ROWS = 3
    client = client_as(curator)
    _upload(client, _partners_csv(6))
    job = ImportJob.objects.get()

    worker = _run_worker_process()
    assert worker.returncode == 0, worker.stderr

    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED, job.errors
    assert job.totals == {"new": 6, "update": 0, "skip": 0}
    assert (job.rows_done, job.rows_total) == (6, 6)
    assert "Row 1: status “published” ignored" in job.notes[0]
    assert not Partner.objects.exists()  # a check writes nothing
    page = client.get(reverse("admin:registry_importjob_change", args=[job.pk])).content.decode()
    assert "Confirm import" in page and "6 new, 0 updated, 0 unchanged rows would be written." in page

    response = client.post(reverse("admin:registry_importjob_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.dry_run) == (ImportJob.State.QUEUED, False)

    worker = _run_worker_process()
    assert worker.returncode == 0, worker.stderr

    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.errors
    assert job.rows_done == 6 and bytes(job.content) == b""
    assert Partner.objects.count() == 6
    assert set(Partner.objects.values_list("status", "country_id", "created_by")) == {
        (Status.DRAFT, "CO", curator.pk)
    }
    context = Partner.objects.get(slug="p1").history.first().pgh_context.metadata
    assert context["user"] == curator.pk and context["via"].startswith(f"import job {job.pk} ")
    done = DBTaskResult.objects.filter(status="SUCCESSFUL")
    assert done.filter(task_path="registry.tasks.run_import_job").count() == 2
    # The six new partners are embedded by one task, queued when the import committed.
    (embedding,) = done.filter(task_path="registry.tasks.embed_records")
    assert embedding.args_kwargs["args"] == [
        "partnerships.partner",
        sorted(Partner.objects.values_list("pk", flat=True)),
    ]
    assert embedding.return_value == 6


@pytest.mark.django_db(transaction=True)
def test_a_job_that_fails_while_importing_writes_nothing_and_keeps_the_error(
    contributor, superuser, make_partner
):
    make_partner(name="Already here", slug="p3")  # a draft: the contributor's file may update it
    job = tasks.import_job_start(
        kind="partners",
        file_name="p.csv",
        file_format="csv",
        content=_partners_csv(5),
        rows=5,
        user=contributor,
    )
    _run_worker_here()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED, job.errors

    # Between the check and the import, a curator publishes the record row 3 updates.
    services.record_publish(record=Partner.objects.get(slug="p3"), user=superuser)
    tasks.import_job_confirm(job=job, user=contributor)
    _run_worker_here()

    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.errors == [
        "Row 3, record: “Partner number 3” is published: only a curator may change it by import."
    ]
    assert list(Partner.objects.values_list("slug", flat=True)) == ["p3"]
    assert Partner.objects.get(slug="p3").name == "Already here"


@pytest.mark.django_db(transaction=True)
def test_a_file_with_a_bad_row_fails_its_check_naming_the_row(curator):
    job = tasks.import_job_start(
        kind="partners",
        file_name="p.csv",
        file_format="csv",
        content=_partners_csv(5, bad_row=4),
        rows=5,
        user=curator,
    )
    _run_worker_here()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert job.errors == ["Row 4, field “country”: no country with code or name “Narnia”"]
    assert not Partner.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_by_others_while_the_import_is_still_uncommitted(monkeypatch, curator):
    monkeypatch.setattr(tasks, "PROGRESS_INTERVAL", 0)
    job = tasks.import_job_start(
        kind="partners", file_name="p.csv", file_format="csv", content=_partners_csv(4), rows=4, user=curator
    )
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED, dry_run=False)
    observer = connection.copy()
    seen = []
    real_call = tasks.ProgressWriter.__call__

    def observed(self, number, total):
        real_call(self, number, total)
        with observer.cursor() as cursor:  # another session, as the admin's job page is
            cursor.execute("SELECT rows_done FROM registry_importjob WHERE id = %s", [job.pk])
            done = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM partnerships_partner")
            seen.append((done, cursor.fetchone()[0]))

    monkeypatch.setattr(tasks.ProgressWriter, "__call__", observed)
    try:
        _run_worker_here()
    finally:
        observer.close()

    assert seen == [(1, 0), (2, 0), (3, 0), (4, 0)]
    assert Partner.objects.count() == 4
