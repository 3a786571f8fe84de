"""`make run` calls ensure_demo_curator on every start: it must never reset a curator's password or
end their session, and its login line must name the address the site is served at."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def base_dir(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    return tmp_path


def run(**options) -> str:
    output = io.StringIO()
    call_command("ensure_demo_curator", stdout=output, **options)
    return output.getvalue()


def test_first_run_creates_a_curator_and_prints_its_login(base_dir):
    text = run()
    password = (base_dir / "var" / "demo-login.txt").read_text().strip()
    user = get_user_model().objects.get(username="curator")
    assert user.is_staff and user.check_password(password)
    assert user.groups.filter(name="Curators").exists()
    assert f"http://127.0.0.1:8000/admin/ as 'curator' with password {password!r}" in text
    assert (base_dir / "var" / "demo-login.txt").stat().st_mode & 0o077 == 0


def test_a_second_run_keeps_the_password_and_the_session(base_dir, client):
    run()
    password = (base_dir / "var" / "demo-login.txt").read_text().strip()
    user = get_user_model().objects.get(username="curator")
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    hash_before = user.password

    text = run()

    user.refresh_from_db()
    assert user.password == hash_before
    assert client.get("/admin/").status_code == 200, "the curator's session was ended"
    assert "ready" in text and password in text


def test_a_changed_password_is_never_reset(base_dir):
    run()
    user = get_user_model().objects.get(username="curator")
    user.set_password("the-curators-own-passphrase")
    user.save()

    text = run()

    user.refresh_from_db()
    assert user.check_password("the-curators-own-passphrase")
    assert "no longer the one in var/demo-login.txt" in text
    assert "the-curators-own-passphrase" not in text


def test_the_login_line_names_the_real_address(base_dir):
    assert "http://127.0.0.1:8001/admin/" in run(url="http://127.0.0.1:8001/")


def test_make_run_passes_its_port_to_the_server_and_the_login_line():
    makefile = Path(__file__).resolve().parents[2] / "Makefile"
    dry = subprocess.run(
        ["make", "-n", "-f", str(makefile), "run", "PORT=8001", "STAMP=", "-C", str(makefile.parent)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "ensure_demo_curator --url http://127.0.0.1:8001/" in dry
    assert "runserver 127.0.0.1:8001" in dry
