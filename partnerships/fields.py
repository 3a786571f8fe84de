"""Model fields shared by the registry's apps."""

from __future__ import annotations

from typing import Any

from django.db import models


class WebAddressField(models.URLField):
    """A URL field whose forms read a bare 'example.org' as https://example.org (Django 6 default)."""

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)
