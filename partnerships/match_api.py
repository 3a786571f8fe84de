"""`GET /api/v1/partners/match/?name=...`: the partners a written name may be (partnerships.matching)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from registry.openapi import ERROR_SCHEMA
from vocabularies.models import Country, OrganisationType

from . import matching

_REASON = inline_serializer(
    "MatchReason",
    many=True,
    fields={
        "kind": serializers.ChoiceField(
            choices=[
                matching.IDENTIFIER,
                matching.EXACT_NAME,
                matching.EXACT_ALIAS,
                matching.EXACT_TRANSLATION,
                matching.ACRONYM,
                matching.ACRONYM_IN_NAME,
                matching.FUZZY,
                matching.CROSS_LANGUAGE,
                matching.OTHER_COUNTRY,
                matching.OTHER_TYPE,
            ]
        ),
        "matched": serializers.CharField(help_text="The name, alias, acronym or code that matched."),
        "language": serializers.CharField(required=False),
        "similarity": serializers.FloatField(required=False),
    },
)
_CANDIDATE = inline_serializer(
    "MatchCandidate",
    many=True,
    fields={
        "slug": serializers.SlugField(),
        "name": serializers.CharField(),
        "acronym": serializers.CharField(),
        "country": serializers.CharField(allow_null=True),
        "organisation_type": serializers.CharField(allow_null=True),
        "url": serializers.URLField(),
        "web_url": serializers.URLField(),
        "score": serializers.FloatField(help_text="0 to 1."),
        "chosen": serializers.BooleanField(),
        "reasons": _REASON,
    },
)
MATCH_ANSWER = inline_serializer(
    "MatchAnswer",
    {
        "name": serializers.CharField(),
        "chosen": serializers.SlugField(
            allow_null=True, help_text="The partner the name surely is, or null."
        ),
        "candidates": _CANDIDATE,
    },
)


def _query(request: Request) -> dict[str, Any]:
    """The name, country and type asked for, or a 400 naming each bad parameter."""
    errors: dict[str, list[str]] = {}
    name = request.query_params.get("name", "")
    try:
        name = matching.validate_name(name)
    except DjangoValidationError as error:
        errors["name"] = list(error.messages)
    country = request.query_params.get("country", "").strip().upper() or None
    if country and not Country.objects.filter(code=country).exists():
        errors["country"] = [f"{country!r} is not an ISO 3166 alpha-2 country code the registry knows."]
    kind = request.query_params.get("type", "").strip() or None
    if kind and not OrganisationType.objects.filter(code=kind).exists():
        known = ", ".join(OrganisationType.objects.order_by("code").values_list("code", flat=True))
        errors["type"] = [f"{kind!r} is not an IATI organisation type code; known codes: {known}."]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "country": country, "organisation_type": kind}


class PartnerMatching:
    """The `match` action of the partners' viewset."""

    @extend_schema(
        summary="Match a written organisation name to partners",
        description=(
            "Scored candidates, best first, with the evidence for each score (an exact name, alias, "
            "translated title, identifier or acronym; a fuzzy or cross-language likeness; another "
            "country or type than the one given). `chosen` is true on one candidate only when the "
            "evidence is exact and no other candidate comes close. Published partners only; a "
            "merged duplicate's names are its survivor's aliases."
        ),
        parameters=[
            OpenApiParameter(
                "name",
                {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": matching.MAX_NAME_LENGTH,
                    "pattern": r"[^\W_]",
                },
                required=True,
                description="One line, with at least one letter or digit.",
            ),
            OpenApiParameter(
                "country",
                {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                description="ISO 3166 alpha-2 code; one the registry does not know is a 400.",
            ),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                description="IATI organisation type code; one the registry does not know is a 400.",
            ),
        ],
        responses={
            200: MATCH_ANSWER,
            400: OpenApiResponse(
                response=ERROR_SCHEMA, description="A parameter is wrong; the body names it, with messages."
            ),
            429: OpenApiResponse(description="Too many requests: wait for the seconds in Retry-After."),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def match(self, request: Request) -> Response:
        query = _query(request)
        candidates = matching.match(
            query["name"], country=query["country"], organisation_type=query["organisation_type"]
        )
        site = request.build_absolute_uri("/").rstrip("/")
        answer = [
            {
                "slug": c.partner.slug,
                "name": c.partner.name,
                "acronym": c.partner.acronym,
                "country": c.partner.country_id,
                "organisation_type": c.partner.organisation_type_id,
                "url": site + reverse("partner-detail", kwargs={"slug": c.partner.slug}),
                "web_url": site + c.partner.get_absolute_url(),
                "score": c.score,
                "chosen": c.chosen,
                "reasons": [reason.as_dict() for reason in c.reasons],
            }
            for c in candidates
        ]
        chosen = next((c["slug"] for c in answer if c["chosen"]), None)
        return Response({"name": query["name"], "chosen": chosen, "candidates": answer})
