"""Proposals sent through the public site (with the submitter's private contact details), and import jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from events.models import Event
from partnerships.models import Partner, Partnership


class Submission(models.Model):
    """One proposal from a visitor without an account. Private: never shown on the public site."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", "Partnership"
        EVENT = "event", "Event"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    new_partners = models.ManyToManyField(
        Partner,
        blank=True,
        related_name="submissions",
        help_text="Draft partners created from names the submitter typed.",
    )
    submitter_name = models.CharField(max_length=200)
    submitter_email = models.EmailField(help_text="Private: for the curators' questions only.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        record = self.partnership or self.event
        return f"{self.get_kind_display()} proposal: {record or '(record deleted)'}"

    @property
    def record(self) -> Partnership | Event | None:
        return self.partnership or self.event


class ImportJob(models.Model):
    """One spreadsheet import run by the task worker: the file, who sent it, and how far it got.

    A job first checks the file (a dry run, like the admin's preview); once the importer confirms
    the check, it imports the file in one transaction. The file is kept in the row until then, so
    the worker needs no disk shared with the web server.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        CHECKED = "checked", "Checked: waiting for confirmation"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed: nothing imported"

    kind = models.CharField(
        max_length=20,
        choices=[
            ("partners", "Partners"),
            ("partnerships", "Partnerships"),
            ("events", "Events"),
            ("publications", "Publications"),
        ],
    )
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, help_text="csv, xlsx or json.")
    content = models.BinaryField(editable=False, help_text="The uploaded file, until the job ends.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    dry_run = models.BooleanField(
        "check only", default=True, help_text="True while the file is being checked, before it is confirmed."
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    totals = models.JSONField(default=dict, blank=True, help_text="New, updated and unchanged rows.")
    errors = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="Ignored status cells, likely duplicates.")
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The task worker's id for the current run."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")), name="importjob_done_le_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.file_name}"

    @property
    def is_active(self) -> bool:
        """Waiting for or being run by the worker: its page keeps refreshing."""
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent_done(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0
