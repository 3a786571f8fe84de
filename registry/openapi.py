"""OpenAPI generation: every read operation documents the errors it can answer, and filters say
what the FilterSets read."""

from __future__ import annotations

from typing import Any, Literal

import django_filters
from django import forms
from django.db import models
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions

from registry.workflow import EARLIEST_DATE, LATEST_DATE

ERROR_SCHEMA = {
    "type": "object",
    "description": "Messages keyed by the parameter or field at fault, or a `detail` message.",
    "additionalProperties": {},
}
ERROR_BODY = {"application/json": {"schema": ERROR_SCHEMA}}


def _key_schema(field: django_filters.ModelMultipleChoiceFilter) -> dict[str, Any]:
    """The type of the values a model choice filter takes: its `to_field_name` column, or the
    primary key (a vocabulary's code)."""
    model = field.extra["queryset"].model
    column = model._meta.get_field(field.extra.get("to_field_name") or model._meta.pk.name)
    return {"type": "integer" if isinstance(column, models.IntegerField) else "string"}


class RegistryAutoSchema(AutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        """Reads are public: `{}` (no credentials) is one way to call them. drf-spectacular only
        knows that of AllowAny and IsAuthenticatedOrReadOnly, not of the registry's model
        permissions, which let anyone read."""
        auths = super().get_auth()
        anonymous_reads = any(
            isinstance(permission, permissions.DjangoModelPermissionsOrAnonReadOnly)
            for permission in self.view.get_permissions()
        )
        if anonymous_reads and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_format_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            parameter["allowEmptyValue"] = True  # DRF reads `?format=` as no format asked for
        return parameters

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_filter_parameters()
        filterset = getattr(self.view, "filterset_class", None)
        filters = filterset.base_filters if filterset else {}
        for parameter in parameters:
            # An empty value filters nothing (`?country=`, a form's "any"), as the FilterSets read it.
            parameter["allowEmptyValue"] = True
            field = filters.get(parameter["name"])
            schema = parameter["schema"]
            if schema.get("type") == "array":
                items = schema["items"]
                if not items and isinstance(field, django_filters.ModelMultipleChoiceFilter):
                    # A filter with a method: drf-spectacular cannot see which column it reads.
                    schema["items"] = _key_schema(field)
                elif "type" not in items and all(isinstance(v, str) for v in items.get("enum", [None])):
                    items["type"] = "string"
            if isinstance(field, django_filters.OrderingFilter):
                # An empty item is skipped (`ordering=title,`), as django-filter's own filter does.
                parameter["schema"]["items"]["enum"].append("")
            if field is not None and issubclass(field.field_class, forms.DateField):
                # The window every stored date lies in (registry/workflow.py); outside it, a 400.
                parameter["description"] = (
                    f"{parameter.get('description', '')} From {EARLIEST_DATE.isoformat()} to "
                    f"{LATEST_DATE.isoformat()}."
                ).strip()
            if field is not None and issubclass(field.field_class, forms.IntegerField):
                # A whole number (a year), which drf-spectacular would type as the model field it
                # looks up (a date).
                bounds = {"minimum": field.extra.get("min_value"), "maximum": field.extra.get("max_value")}
                parameter["schema"] = {
                    "type": "integer",
                    **{key: value for key, value in bounds.items() if value is not None},
                }
        return parameters

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response" or self.method != "GET":
            return responses
        responses.setdefault(
            "429",
            {"description": "Too many requests: wait for the seconds in Retry-After.", "content": ERROR_BODY},
        )
        if self._is_list_view():
            responses.setdefault(
                "400", {"description": "A query parameter has a bad value.", "content": ERROR_BODY}
            )
            responses.setdefault("404", {"description": "No such page.", "content": ERROR_BODY})
        else:
            responses.setdefault("404", {"description": "No such record.", "content": ERROR_BODY})
        return responses
