"""Background import jobs, run by the task worker (`manage.py db_worker`, django-tasks' database backend).

The admin hands a file over `IMPORT_BACKGROUND_ROWS` rows to `import_job_start`, which stores it in
an `ImportJob` and enqueues `run_import_job`. The worker first checks the file (a dry run: errors,
ignored status cells, likely duplicates); once the importer confirms (`import_job_confirm`), it
imports it in one transaction, so a failure leaves nothing behind. Progress is written on a
connection of its own, outside that transaction, so the admin's job page sees it as it moves.
"""

from __future__ import annotations

import time
from typing import Any

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django_tasks import task

from registry.models import ImportJob
from registry.resources import describe_errors, describe_notes, import_resources, read_dataset

# Progress is written at most this often (seconds), and always for the last row.
PROGRESS_INTERVAL = 0.5


class ProgressWriter:
    """Writes a job's `rows_done` on its own autocommit connection, visible while the import runs."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.connection = connections[DEFAULT_DB_ALIAS].copy()
        self.written_at = 0.0

    def __call__(self, number: int, total: int) -> None:
        now = time.monotonic()
        if number < total and now - self.written_at < PROGRESS_INTERVAL:
            return
        self.written_at = now
        table = self.connection.ops.quote_name(ImportJob._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(
                # The table name is the model's own, quoted; the values are parameters.
                f"UPDATE {table} SET rows_done = LEAST(%s, rows_total) WHERE id = %s",  # noqa: S608  # nosec B608
                [number, self.job_id],
            )

    def close(self) -> None:
        self.connection.close()


@transaction.atomic
def import_job_start(
    *, kind: str, file_name: str, file_format: str, content: bytes, rows: int, user: Any
) -> ImportJob:
    """Store the file as a job and enqueue its check."""
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_format=file_format,
        content=content,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        rows_total=rows,
    )
    _enqueue(job)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, user: Any) -> ImportJob:
    """Enqueue the import of a checked job; only its importer may confirm it."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != getattr(user, "pk", None):
        raise PermissionDenied("Only the person who sent the file may confirm its import.")
    if job.state != ImportJob.State.CHECKED:
        raise ValueError(
            f"This job is {job.get_state_display().lower()}; only a checked file can be imported."
        )
    job.dry_run = False
    job.state = ImportJob.State.QUEUED
    job.rows_done = 0
    job.started_at = job.finished_at = None
    _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    # The task row is written in the same transaction as the job, so the worker sees both or neither.
    result = run_import_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save()


@task()
def run_import_job(job_id: int) -> str:
    """Check or import one job's file (see the module docstring); returns the job's new state."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now(), rows_done=0
    )
    if not claimed:
        return "skipped"  # already run, or no longer waiting
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    progress = ProgressWriter(job.pk)
    try:
        dataset = read_dataset(bytes(job.content), job.file_format, settings.IMPORT_MAX_ROWS)
        resource = import_resources()[job.kind]()
        resource.progress = progress
        via = f"import job {job.pk} ({job.kind} from {job.file_name})"
        with pghistory.context(user=job.created_by_id, via=via):
            result = resource.import_data(
                dataset, dry_run=job.dry_run, user=job.created_by, raise_errors=False, file_name=job.file_name
            )
    except Exception as error:  # a file that cannot be read, or a bug: recorded on the job, not lost
        _finish(job, ImportJob.State.FAILED, errors=[f"File: {error}"])
        raise
    finally:
        progress.close()
    errors = describe_errors(result)
    job.totals = {name: result.totals[name] for name in ("new", "update", "skip")}
    job.notes = describe_notes(result)
    if errors:
        _finish(job, ImportJob.State.FAILED, errors=errors)
    else:
        _finish(job, ImportJob.State.CHECKED if job.dry_run else ImportJob.State.DONE)
    return job.state


def _finish(job: ImportJob, state: str, errors: list[str] | None = None) -> None:
    job.state = state
    job.errors = errors or []
    job.finished_at = timezone.now()
    if state == ImportJob.State.FAILED:
        # How far it got, as the progress writer left it (on its own connection).
        job.rows_done = ImportJob.objects.values_list("rows_done", flat=True).get(pk=job.pk)
    else:
        job.rows_done = job.rows_total
    if state in (ImportJob.State.DONE, ImportJob.State.FAILED):
        job.content = b""  # the file is no longer needed; a failed one is sent again once fixed
    job.save()


@task()
def embed_records(label: str, pks: list[int] | None = None) -> int:
    """Embed a searchable model's records (`label`, "partnerships.partnership"; all when `pks` is
    None) whose text changed since their last embedding (registry/embeddings.py)."""
    from django.apps import apps  # noqa: PLC0415

    from registry.embeddings import embed_rows  # noqa: PLC0415

    return embed_rows(apps.get_model(label), pks)
