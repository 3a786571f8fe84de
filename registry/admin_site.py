"""The curators' admin site: optional TOTP two-factor login on top of Django's admin."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db.models import Model
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice


class CuratorAuthenticationForm(AdminAuthenticationForm):
    """Username and password, plus a six-digit code for curators who have set up an authenticator."""

    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Only if you have set up two-factor authentication.",
    )

    def clean(self) -> dict:
        cleaned = super().clean()  # authenticates, and lets django-axes count failures
        user = self.get_user()
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True)) if user else []
        if not devices:
            if settings.OTP_REQUIRED:
                raise forms.ValidationError(
                    "Two-factor authentication is required; ask an administrator to set up your "
                    "authenticator.",
                    code="otp_required",
                )
            return cleaned
        token = (cleaned.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError("Enter the code from your authenticator app.", code="token_required")
        for device in devices:
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(token):
                # django-otp keeps it in the session at login (an attribute of its own on the user).
                user.otp_device = device  # type: ignore[attr-defined]
                return cleaned
        raise forms.ValidationError("That authenticator code is not valid.", code="invalid_token")


class SecureAdminSite(admin.AdminSite):
    """Django's admin site with the curators' login: lockout (django-axes) and optional TOTP."""

    login_form = CuratorAuthenticationForm
    login_template = "admin/curator_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        # Staff who set up an authenticator must have used it in this session.
        if not super().has_permission(request):
            return False
        user = request.user
        if user_has_device(user):
            return user.is_verified()  # type: ignore[union-attr]  # set by django-otp's OTPMiddleware
        return not settings.OTP_REQUIRED

    def may_preview(self, request: HttpRequest, model: type[Model]) -> bool:
        """True if the request's user may see drafts of `model` outside the admin (previews, files).

        The same gate as the admin itself (staff, signed in with two factors where set up) and the
        model's view permission: whoever can open the draft in the admin.
        """
        opts = model._meta
        return self.has_permission(request) and request.user.has_perm(
            f"{opts.app_label}.view_{opts.model_name}"
        )
