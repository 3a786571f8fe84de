"""The API's JSON parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]): DRF's, with a depth limit.

Whatever a body holds, parsing it answers a clear 400, never a 500: a body nested so deeply that the
decoder runs out of stack (`[[[[...` 100,000 times) raised RecursionError inside DRF's parser. (Its
size is Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, which DRF's JSON parsing goes through: a larger
body is a 413, registry/errors.py.)
"""

from __future__ import annotations

from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No record's body nests deeper than four levels (a partnership's participants); 32 leaves room.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON parse error - the body is nested more than {MAX_JSON_DEPTH} levels deep."


class RegistryJSONParser(JSONParser):
    """JSON bodies nested at most MAX_JSON_DEPTH levels (400 beyond, with a message saying so)."""

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if nested_deeper_than(data, MAX_JSON_DEPTH):
            # Parsed, but deep enough to exhaust the stack of whatever walks it next (validation,
            # the renderer echoing an error).
            raise ParseError(TOO_DEEP)
        return data


def nested_deeper_than(data: Any, limit: int) -> bool:
    """Whether `data` (parsed JSON) has lists or objects more than `limit` levels deep."""
    stack = [(data, 1)] if isinstance(data, (list, dict)) else []
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return False
