"""The API's write serializer base and fields, shared by every record type (the read answers are
the shapes', registry/shapes.py).

Write fields take values of the type the schema gives (text is a string, a flag true or false, a
code its key's type) and refuse text PostgreSQL cannot store, so that a hostile body is a 400,
never a 500. `WriteSerializer` validates with the model's own clean() and constraints, so the API
and the admin accept the same data.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any, cast

from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from .workflow import CONTENT_LANGUAGES, MAX_TRANSLATIONS, TRANSLATED_PARTS, Status, validate_language_code

if TYPE_CHECKING:
    _CharField = serializers.CharField  # what _TextOnly is mixed into
else:
    _CharField = object


class _TextOnly(_CharField):
    """Text only, as the schema says: DRF would otherwise read 5 or 5.0 as "5"."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class TextField(_TextOnly, serializers.CharField):
    pass


class URLTextField(_TextOnly, serializers.URLField):
    pass


class SlugTextField(_TextOnly, serializers.SlugField):
    pass


class EmailTextField(_TextOnly, serializers.EmailField):
    pass


class TrueFalseField(serializers.BooleanField):
    """true or false only: DRF would otherwise also read "yes", "on", 1, "0" and the like."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class KeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A linked vocabulary entry by its primary key, of the key's own type: a string code, or a
    whole number for the SDGs. DRF would otherwise read 1.5 as SDG 1, pass 1e999 (infinity) to
    int() (a 500), and take "" for null where the schema asks for a code."""

    def run_validation(self, data: Any = empty) -> Any:
        if data == "":
            self.fail("does_not_exist", pk_value=data)
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        queryset = cast(models.QuerySet, self.queryset)  # a related field's, always given
        key_type = int if isinstance(queryset.model._meta.pk, models.IntegerField) else str
        if isinstance(data, bool) or not isinstance(data, key_type):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugLinkField(serializers.SlugRelatedField):
    """A linked record or vocabulary entry by its slug, which is text: DRF would read 5 as "5"."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _unstorable(value: Any) -> bool:
    """Whether `value` holds text PostgreSQL cannot store: NUL, or a lone UTF-16 surrogate (a JSON
    body may escape one, \\ud800, and Python reads it, but it is no character in UTF-8)."""
    if isinstance(value, str):
        return "\x00" in value or _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_unstorable(v) for v in value)
    return False


_SURROGATE = re.compile("[\ud800-\udfff]")


_WRITABLE_TEXT = "^[^\\u0000-\\u0008\\u000b-\\u001f]*[^\\s\\u0000-\\u001f][^\\u0000-\\u0008\\u000b-\\u001f]*$"
_TRANSLATION = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        part: {"type": "string", "minLength": 1, "maxLength": length, "pattern": _WRITABLE_TEXT}
        for part, length in TRANSLATED_PARTS.items()
    },
}
TRANSLATIONS_SCHEMA = {
    "type": "object",
    "description": (
        'The title and summary in other languages, by language code: {"fr": {"title": "...", '
        '"summary": "..."}}. Visitors of those languages see them, and search reads them.'
    ),
    "properties": dict.fromkeys(CONTENT_LANGUAGES, _TRANSLATION),
    "additionalProperties": False,
    "maxProperties": MAX_TRANSLATIONS,
}


@extend_schema_field(TRANSLATIONS_SCHEMA)
class TranslationsField(serializers.JSONField):
    """A record's translations (registry.workflow.validate_translations checks them, in the model)."""


class WriteSerializer(serializers.ModelSerializer):
    """Validates with the model's own clean() and constraints, so the API and the admin agree.
    Values must have the type the schema gives them (text is a string, a flag true or false)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: TextField,
        models.TextField: TextField,
        models.URLField: URLTextField,
        models.SlugField: SlugTextField,
        models.EmailField: EmailTextField,
        models.BooleanField: TrueFalseField,
        models.JSONField: TranslationsField,  # the only JSON a record's writers send
    }

    # The record's place in the curators' workflow. Not `status`: read answers use that name for
    # what the record reports (a partnership's activity status, an event's status).
    workflow_status = serializers.ChoiceField(
        source="status",
        choices=Status.choices,
        read_only=True,
        help_text="Where the record stands in the curators' workflow; changed only by the transitions.",
    )
    slug = serializers.SlugField(read_only=True)

    def build_standard_field(self, field_name: str, model_field: Any) -> tuple[type, dict[str, Any]]:
        if validate_language_code in getattr(model_field, "validators", []):
            # A content language: one of the codes the model accepts, so the schema lists them.
            return serializers.ChoiceField, {
                "choices": CONTENT_LANGUAGES,
                "allow_blank": model_field.blank,
                "required": False,
                "help_text": model_field.help_text,
            }
        return super().build_standard_field(field_name, model_field)

    def build_relational_field(self, field_name: str, relation_info: Any) -> tuple[type, dict[str, Any]]:
        """A link is written as the linked entry's slug when it has one (records, platforms,
        themes), otherwise as its key (`KeyRelatedField`: a country's code, an SDG's number)."""
        _field_class, kwargs = super().build_relational_field(field_name, relation_info)
        related = relation_info.related_model
        if any(field.name == "slug" for field in related._meta.get_fields()):
            return SlugLinkField, {**kwargs, "slug_field": "slug"}
        return KeyRelatedField, kwargs

    def to_internal_value(self, data: Any) -> Any:
        # PostgreSQL refuses NUL and lone surrogates in text: one in a related slug or code would
        # reach the lookup query and fail there (a 500), so refuse it up front as a clear 400.
        if _unstorable(data):
            raise serializers.ValidationError(
                {"non_field_errors": ["Values may not contain NUL (\\x00) or lone surrogates (\\ud800)."]}
            )
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        from django.core.exceptions import ValidationError as DjangoValidationError

        plain = {
            name: value
            for name, value in attrs.items()
            if not isinstance(self.fields[name], (serializers.ManyRelatedField, serializers.ListSerializer))
        }
        model = cast(type[models.Model], self.Meta.model)
        instance = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in plain.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=["slug", "created_by", "updated_by", "search_vector", "search_text"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        for name in plain:
            if name in attrs:
                attrs[name] = getattr(instance, name)  # clean() may normalise (partial dates)
        return attrs
