"""The API's default permission: anyone reads, model permissions decide writes."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request


class ReadOrModelPermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """DRF's `DjangoModelPermissionsOrAnonReadOnly`, without its work on reads.

    For GET, HEAD and OPTIONS the parent requires no model permission, but builds the view's
    queryset first to find the model: a quarter of a conditional GET's time. What a reader may see
    is the queryset's business (published records, or drafts for curators), not this class's.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().has_permission(request, view)
