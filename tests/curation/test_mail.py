"""Curator notifications through a real SMTP server on loopback (aiosmtpd), as production sends them."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from curation.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


class Inbox:
    """Keeps every message the server receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp(settings) -> Iterator[Inbox]:
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def proposal(**overrides) -> dict:
    return {
        "title": "Seed banks in the Sahel",
        "event_type": "meeting",
        "description": "Farmers' cooperatives of Mali and Niger share how they keep seed banks.",
        "start_date": "2030-05-01",
        "timezone": "Africa/Bamako",
        "attendance_mode": "in_person",
        "source_url": "https://example.org/seed-banks",
        "submitter_name": "Aminata",
        "submitter_email": "aminata@example.org",
        "new_partners": "Sahel Seed Network",
    } | overrides


def wait_for(inbox: Inbox, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_proposal_mails_the_curators_one_line_subject(
    client, curator, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/propose/event/", proposal())
    assert response.status_code == 302
    wait_for(smtp, 1)
    [message] = smtp.messages
    assert message["To"] == curator.email
    assert message["Subject"] == "[SSC Registry] New event proposal: Seed banks in the Sahel"
    assert "Review it:" in message.get_content()


def test_a_title_that_would_inject_headers_is_refused_and_nothing_is_mailed(
    client, curator, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/propose/event/", proposal(title="Seed banks\r\nBcc: victim@example.org"))
    assert response.status_code == 400
    assert not Submission.objects.exists()
    wait_for(smtp, 1)
    assert smtp.messages == []
