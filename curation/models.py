"""Proposals sent through the public site (with the submitter's private contact details)."""

from __future__ import annotations

from django.db import models

from events.models import Event
from partnerships.models import Partner, Partnership


class Submission(models.Model):
    """One proposal from a visitor without an account. Private: never shown on the public site."""

    registry_role = "internal"

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
