"""OpenAPI generation: the read answers' components come from the record shapes, every read
operation documents the errors it can answer, and filters say what the FilterSets read."""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Any, Literal, cast

import django_filters
from django import forms
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers
from rest_framework.utils import model_meta

from registry.shapes import SIMILAR_RECORD, ListOf, Object, Plain, RecordShape, Schema, Stored
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
        """Reads are public: they state no security requirement at all, which every client
        generator reads as "anonymous". (The stricter `[{}, {"tokenAuth": []}]`, anonymous or a
        token, makes openapi-python-client type every read as needing an authenticated client.)
        A token still works on reads, and shows its curator's drafts; writes list the schemes.
        drf-spectacular only knows that reads are public from AllowAny and
        IsAuthenticatedOrReadOnly, not from the registry's model permissions, which let anyone read."""
        anonymous_reads = any(
            isinstance(permission, (permissions.DjangoModelPermissionsOrAnonReadOnly, permissions.AllowAny))
            for permission in self.view.get_permissions()
        )
        if anonymous_reads and self.method in permissions.SAFE_METHODS:
            return []
        return super().get_auth()

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


# The read answers' schema, from the shapes' types (registry/shapes.py). drf-spectacular documents
# serializers: each shape, and each Object of its types, is made into a serializer that only
# describes (the shape writes the JSON), whose fields drf-spectacular reads as usual: a `Stored`
# type is the field a ModelSerializer would make of the model field.

_PLAIN_FIELDS: dict[str, type[serializers.Field]] = {
    "text": serializers.CharField,
    "slug": serializers.SlugField,
    "uri": serializers.URLField,
    "date": serializers.DateField,
    "date-time": serializers.DateTimeField,
    "integer": serializers.IntegerField,
    "boolean": serializers.BooleanField,
}


class Described(serializers.Serializer):
    """A shape's answer or one of its objects, as the schema gives it (see ShapeSchema)."""


class ShapeSchema(OpenApiSerializerExtension):
    """Every key of a shape's answer is in every answer (null when it has no value): all are
    required. No description: the component is named after its record or object."""

    target_class = Described
    match_subclasses = True

    def map_serializer(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        schema.pop("description", None)
        schema["required"] = sorted(schema.get("properties", {}))
        return schema


class ShapeAnswer(serializers.Serializer):
    """A record viewset's read answer in the schema: the viewset's `shape`, read when the schema is
    made (ShapeAnswerSchema), so that a field added to a shape is in the schema with no other edit."""


class ShapeAnswerSchema(OpenApiSerializerExtension):
    """ShapeAnswer is the component `<Model>` (`Partnership`) of the view's shape."""

    target_class = ShapeAnswer

    def get_name(self, auto_schema: AutoSchema, direction: Any) -> str:
        return _shape(auto_schema).model.__name__

    def get_identity(self, auto_schema: AutoSchema, direction: Any) -> Any:
        return _shape(auto_schema)

    def map_serializer(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        return auto_schema._map_serializer(shape_serializer(_shape(auto_schema)), direction)


def _shape(auto_schema: AutoSchema) -> RecordShape:
    return cast(RecordShape, auto_schema.view.shape)  # type: ignore[attr-defined]  # a record viewset's


class ShapeDetailAnswer(ShapeAnswer):
    """A searchable record's details in the schema: its shape, then `similar` (`<Model>Detail`)."""


class ShapeDetailAnswerSchema(OpenApiSerializerExtension):
    target_class = ShapeDetailAnswer

    def get_name(self, auto_schema: AutoSchema, direction: Any) -> str:
        return f"{_shape(auto_schema).model.__name__}Detail"

    def get_identity(self, auto_schema: AutoSchema, direction: Any) -> Any:
        return (_shape(auto_schema), "detail")

    def map_serializer(self, auto_schema: AutoSchema, direction: Any) -> dict[str, Any]:
        # The record's own component, then `similar`: each key is described once.
        record = auto_schema.resolve_serializer(ShapeAnswer(), direction)
        similar = auto_schema.resolve_serializer(object_serializer(SIMILAR_RECORD)(), direction)
        return {
            "allOf": [
                record.ref,
                {
                    "type": "object",
                    "properties": {
                        "similar": {
                            "type": "array",
                            "items": similar.ref,
                            "description": (
                                "Published records of the same type nearest in meaning (at most five)."
                            ),
                        }
                    },
                    "required": ["similar"],
                },
            ]
        }


@functools.cache
def shape_serializer(shape: RecordShape) -> type[serializers.Serializer]:
    """The schema of a shape's answer: its JSON's keys and their types, in order."""
    fields = {name: schema_field(schema, shape.model, top=True) for name, schema in shape.json_schema()}
    return type(f"{shape.model.__name__}Serializer", (Described,), {**fields, "__module__": __name__})


@functools.cache
def _object_serializer(schema: Object) -> type[serializers.Serializer]:
    fields = {name: schema_field(item, None) for name, item in schema.properties}
    return type(f"{schema.name}Serializer", (Described,), {**fields, "__module__": __name__})


def object_serializer(schema: Object) -> type[serializers.Serializer]:
    """The serializer of an Object type, component `schema.name` (one class per object, however
    many fields show it, null or not). Its fields read attributes of the properties' names, so it
    can also write such objects (a country's region)."""
    return _object_serializer(replace(schema, null=False, help=""))


def schema_field(schema: Schema, model: type[models.Model] | None, *, top: bool = False) -> serializers.Field:
    """A serializer field that drf-spectacular documents as `schema`. `model`: the record's own,
    for Stored types that name none; `top`: a field of the record itself, not of one of its
    objects (a computed one is then marked read-only)."""
    options: dict[str, Any] = {}
    if schema.null:
        options["allow_null"] = True
    if schema.help:
        options["help_text"] = schema.help
    if isinstance(schema, Stored):
        return _stored_field(schema, model, options)
    if top:
        options["read_only"] = True
    if isinstance(schema, Object):
        return object_serializer(schema)(**options)
    if isinstance(schema, ListOf):
        if isinstance(schema.item, Object):
            return object_serializer(schema.item)(many=True, **options)
        return serializers.ListField(child=schema_field(schema.item, model), **options)
    if isinstance(schema, Plain):
        return _PLAIN_FIELDS[schema.kind](**options)
    raise TypeError(f"No schema for {schema!r}")


def _stored_field(
    schema: Stored, model: type[models.Model] | None, options: dict[str, Any]
) -> serializers.Field:
    owner = schema.model or model
    if owner is None:
        raise ValueError(f"{schema.column}: a Stored type in an Object names its model")
    # The field a ModelSerializer of `owner` would make of the column (type, length, choices).
    builder: serializers.ModelSerializer[models.Model] = serializers.ModelSerializer()
    field_class, kwargs = builder.build_field(schema.column, model_meta.get_field_info(owner), owner, 0)
    return field_class(**{**kwargs, **options})


def enum_member_names(values: list[str]) -> list[str] | None:
    """Names for a string enum's values as code generators make members of them, when the plain
    way (upper case, punctuation dropped) would give two values one name: `+` and `-` before a
    digit read PLUS and MINUS, any other run of punctuation is `_` (Etc/GMT+1 is ETC_GMT_PLUS_1,
    GMT0 stays GMT0 and GMT-0 is GMT_MINUS_0). None when the plain names are already distinct."""
    plain = [re.sub(r"[^0-9A-Z]", "", value.upper()) for value in values]
    if len(set(plain)) == len(plain):
        return None
    names: dict[str, str] = {}
    for value in values:
        name = re.sub(r"-(?=\d)", "_MINUS_", re.sub(r"\+(?=\d)", "_PLUS_", value))
        name = re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_").upper() or "EMPTY"
        if name[0].isdigit():
            name = f"VALUE_{name}"
        if name in names:
            raise ValueError(f"enum values {names[name]!r} and {value!r} would share the name {name}")
        names[name] = value
    return list(names)


def name_enum_members(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook (after drf-spectacular's enum one): `x-enum-varnames` on the string
    enums whose values generators would fold together, such as the time zones' GMT0, GMT+0 and
    GMT-0, where openapi-python-client stops with "Duplicate key GMT0"."""
    for component in result.get("components", {}).get("schemas", {}).values():
        values = component.get("enum")
        if component.get("type") == "string" and values and all(isinstance(v, str) for v in values):
            names = enum_member_names(values)
            if names is not None:
                component["x-enum-varnames"] = names
    return result
