"""Curator login: brute-force lockout and optional two-factor authentication."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-curator-password"


@pytest.fixture
def curator():
    return User.objects.create_user("curator", password=PASSWORD, is_staff=True, is_superuser=True)


def _login(client, password=PASSWORD, token="", username="curator"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "otp_token": token, "next": "/admin/"},
    )


def test_curator_without_authenticator_logs_in_with_password(client, curator):
    response = _login(client)
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_five_failures_lock_the_username_from_that_address(client, curator):
    for _ in range(5):
        response = _login(client, password="wrong")
        assert response.status_code in (200, 429)
    response = _login(client)  # the right password, too late
    assert response.status_code == 429
    assert client.get(reverse("admin:index")).status_code == 302


def test_lockout_is_per_username(client, curator):
    User.objects.create_user("other", password=PASSWORD, is_staff=True)
    for _ in range(5):
        _login(client, password="wrong")
    assert _login(client, username="other").status_code == 302


def _device(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_curator_with_authenticator_needs_the_code(client, curator):
    device = _device(curator)
    response = _login(client)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app." in response.text
    response = _login(client, token="000000" if _code(device) != "000000" else "111111")
    assert "not valid" in response.text
    device.refresh_from_db()
    device.throttle_reset()  # a failed code makes the device wait before the next try
    response = _login(client, token=_code(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_without_the_second_factor_is_refused(client, curator):
    _device(curator)
    client.force_login(curator)  # password only: no verified device in the session
    assert client.get(reverse("admin:index")).status_code == 302


def test_otp_can_be_required_for_everyone(client, curator, settings):
    settings.OTP_REQUIRED = True
    response = _login(client)
    assert response.status_code == 200
    assert "Two-factor authentication is required" in response.text


def test_short_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pass1")
    validate_password("a-much-longer-pass-phrase")
