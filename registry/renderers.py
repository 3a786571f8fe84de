"""The API's JSON renderer (REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"])."""

from __future__ import annotations

import json
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer


class ORJSONRenderer(JSONRenderer):
    """JSON rendered by orjson: several times faster than the standard library on long lists."""

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        try:
            return orjson.dumps(data, default=_jsonable)
        except orjson.JSONEncodeError:
            # What orjson refuses, the standard library writes: int keys (a list's validation errors
            # are keyed by item index) and text that is not UTF-8 (a lone surrogate from a request
            # body, echoed in an error message), escaped as \udxxx. Only error answers get here.
            return _ESCAPING.render(data, accepted_media_type, renderer_context)


class _EscapingJSONRenderer(JSONRenderer):
    ensure_ascii = True


_ESCAPING = _EscapingJSONRenderer()


def _jsonable(value: Any) -> Any:
    """What orjson does not know itself (Decimal, lazy translations, ...) as DRF would write it."""
    return json.loads(JSONRenderer().render(value))
