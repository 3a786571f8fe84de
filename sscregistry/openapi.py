"""OpenAPI generation: every read operation documents the errors it can answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "description": "Messages keyed by the parameter or field at fault, or a `detail` message.",
    "additionalProperties": {},
}
ERROR_BODY = {"application/json": {"schema": ERROR_SCHEMA}}


class RegistryAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
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
