"""One search over every record type: the site's /search/ page, `GET /api/v1/search/` and the
search box's suggestions, `GET /api/v1/autocomplete/`.

The core knows no record type. It searches each public record type (`registry/site.py`) that has a
search document (`registry/search.py`), by the rules of that type's own list: published records
only, the same full text, the same respelling when nothing matches. The answers are grouped by
type, each with its count and the address of the type's own faceted search for the same words.
The type whose best match ranks highest comes first, so "Norec report" opens on the publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse as drf_reverse
from rest_framework.views import APIView

from registry.search import (
    MAX_QUERY_LENGTH,
    SEARCH_CONFIG,
    SearchOutcome,
    order_by_relevance,
    search,
    search_documents,
)
from registry.site import PublicRecordType, public_types

#: Matches shown per type on the /search/ page, and by default in the API.
PER_TYPE = 5
#: The most the API shows per type (`limit`).
MAX_PER_TYPE = 50
#: Suggestions the autocomplete answers.
SUGGESTIONS = 10


@dataclass
class TypeResults:
    """One record type's share of a search: how many match, how, and the best of them."""

    record_type: PublicRecordType
    count: int
    outcome: SearchOutcome
    records: list[Any]

    @property
    def best_rank(self) -> float:
        """How well the type's best match answers: its fused score (an exact name's is above 1),
        comparable across types, unlike each list's own positions."""
        if self.outcome.top_score:
            return self.outcome.top_score
        return float(getattr(self.records[0], "search_rank", 0.0)) if self.records else 0.0


def searchable_types() -> list[PublicRecordType]:
    """The public record types that have a search document, in registration order."""
    documents = {document.model for document in search_documents()}
    return [t for t in public_types() if t.model._meta.label_lower in documents]


def _vocabulary_links(model: type[models.Model]) -> list[str]:
    """The record's foreign keys to vocabularies, read with it (an event's summary names its country)."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.many_to_one and getattr(field.related_model, "registry_role", None) == "vocabulary"
    ]


def _published(model: type[models.Model]) -> models.QuerySet:
    return model._default_manager.published()  # type: ignore[attr-defined]


def search_everything(query: str, *, per_type: int = PER_TYPE, only: str | None = None) -> list[TypeResults]:
    """Every searchable type's matches for `query`: counts for all, up to `per_type` records each
    (of the type named `only`, by its section, when given). Types with matches come first, the one
    whose best match ranks highest leading."""
    groups = []
    for record_type in searchable_types():
        model = record_type.model
        found, outcome = search(_published(model), query)
        shown: list[Any] = []
        if only is None or only == record_type.section:
            page = order_by_relevance(found).select_related(*_vocabulary_links(model))
            shown = list(page[:per_type])
        groups.append(TypeResults(record_type, found.count(), outcome, shown))
    order = {id(group): index for index, group in enumerate(groups)}
    return sorted(groups, key=lambda g: (g.count == 0, -g.best_rank, order[id(g)]))


_WORD = re.compile(r"\w+")


def suggest(
    query: str, limit: int = SUGGESTIONS, types: list[PublicRecordType] | None = None
) -> list[tuple[PublicRecordType, Any]]:
    """Records whose names start with what was typed: each word of `query` begins a word of a
    record's names (weight A of its document: titles, names, acronyms), best first, published only.
    A record whose own name starts with the query leads. `types` keeps to some record types."""
    words = [word for word in _WORD.findall(query.casefold()) if word.strip("_")]
    if not words:
        return []
    # Only word characters reach to_tsquery, each as a prefix of names: nothing to escape.
    prefix = SearchQuery(" & ".join(f"{word}:*A" for word in words), search_type="raw", config=SEARCH_CONFIG)
    typed = query.strip().casefold()
    found: list[tuple[float, int, PublicRecordType, Any]] = []
    for index, record_type in enumerate(types if types is not None else searchable_types()):
        rows = (
            _published(record_type.model)
            .filter(search_vector=prefix)
            .annotate(search_rank=SearchRank(F("search_vector"), prefix))
            .order_by("-search_rank", "pk")[:limit]
        )
        for record in rows:
            found.append((_closeness(record, typed) + record.search_rank, -index, record_type, record))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [(record_type, record) for _score, _index, record_type, record in found[:limit]]


def _closeness(record: Any, typed: str) -> float:
    """How nearly a record's own name is what was typed: 3 for the whole acronym or name, 2 for the
    start of its acronym, 1 for the start of its name or title, 0 when only another word matched."""
    name = str(record).casefold()
    acronym = str(getattr(record, "acronym", "") or "").casefold()
    if typed in (name, acronym):
        return 3.0
    if acronym.startswith(typed):
        return 2.0
    return 1.0 if name.startswith(typed) else 0.0


class QueryForm(forms.Form):
    """The words to search for, as every search box takes them."""

    q = forms.CharField(
        max_length=MAX_QUERY_LENGTH,
        strip=True,
        error_messages={
            "required": _("Write what to search for."),
            "max_length": _("A search may be at most %(limit_value)d characters long."),
        },
    )


def type_search_url(record_type: PublicRecordType, query: str) -> str:
    """The record type's own faceted search for `query`."""
    return f"{reverse(record_type.list_url_name)}?{urlencode({'q': query})}"


class SearchEverythingView(TemplateView):
    """/search/: every record type's matches, grouped, each with a link into its own search."""

    template_name = "search/everything.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = QueryForm(self.request.GET)
        query = self.request.GET.get("q", "")
        groups: list[TypeResults] = []
        if form.is_valid():
            query = form.cleaned_data["q"]
            groups = search_everything(query)
        errors = form.errors.get("q") if query.strip() else None
        found = [group for group in groups if group.count]
        context.update(
            {
                "q": query,
                "errors": errors,
                "groups": [
                    {
                        "type": group.record_type,
                        "count": group.count,
                        "records": group.records,
                        "suggestion": group.outcome.suggestion,
                        "url": type_search_url(group.record_type, query),
                    }
                    for group in found
                ],
                "total": sum(group.count for group in groups),
                "unmatched": [group.record_type for group in groups if not group.count],
                "searched": bool(groups),
            }
        )
        return context


# The API.


class _SearchParameters(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        allow_blank=True,
        help_text=(
            'Search words, as in every list\'s `q`: `"exact phrase"`, `OR`, `-word`. Every record type '
            "is searched, published records only."
        ),
    )
    type = serializers.ChoiceField(
        choices=(),  # the searchable types, when the parameters are made (see __init__)
        required=False,
        help_text="Show the matches of one record type only; the counts of every type are given all the same",
    )
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_TYPE, default=PER_TYPE, help_text="Matches per type."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(serializers.ChoiceField, self.fields["type"])
        field.choices = [t.section for t in searchable_types()]
        field.error_messages["invalid_choice"] = (
            f"“{{input}}” is not a record type; one of: {', '.join(field.choices)}."
        )


class _SuggestParameters(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        allow_blank=True,
        help_text="The start of a name, title or acronym: `nor`, `UNOS`.",
    )


_TYPE_COUNT_FIELDS: dict[str, serializers.Field] = {
    "type": serializers.CharField(help_text="The record type, as in `type=`."),
    "label": serializers.CharField(),
    "count": serializers.IntegerField(),
    "mode": serializers.ChoiceField(
        choices=[SearchOutcome.FULLTEXT, SearchOutcome.FUZZY],
        help_text="How it was answered: full text, or similar spellings when full text found nothing.",
    ),
    "suggestion": serializers.CharField(allow_null=True, help_text="The respelling that answered."),
    "modes": serializers.ListField(
        child=serializers.ChoiceField(
            choices=[SearchOutcome.FULLTEXT, SearchOutcome.FUZZY, SearchOutcome.VECTOR]
        ),
        help_text="The retrievals that answered; `vector`: records near in meaning, in any language.",
    ),
    "url": serializers.URLField(help_text="The type's own API list for the same words."),
    "web_url": serializers.URLField(help_text="The type's faceted search on the site."),
}
_HIT_FIELDS: dict[str, serializers.Field] = {
    "type": serializers.CharField(),
    "slug": serializers.CharField(),
    "name": serializers.CharField(help_text="The record's title or name."),
    "summary": serializers.CharField(),
    "url": serializers.URLField(help_text="The record in the API."),
    "web_url": serializers.URLField(help_text="The record's page."),
    "score": serializers.FloatField(help_text="Full-text rank, comparable across types."),
}
_SEARCH_ANSWER: serializers.Serializer = inline_serializer(
    "SearchAnswer",
    {
        "query": serializers.CharField(),
        "count": serializers.IntegerField(help_text="Matches of every type."),
        "types": inline_serializer(
            "SearchTypeCount", _TYPE_COUNT_FIELDS, many=True, help_text="Each type's count, best first."
        ),
        "results": inline_serializer(
            "SearchHit", _HIT_FIELDS, many=True, help_text="The best matches of each type, type by type."
        ),
    },
)
_SUGGESTIONS = inline_serializer(
    "Suggestions",
    {
        "query": serializers.CharField(),
        "results": inline_serializer(
            "Suggestion",
            {
                "type": serializers.CharField(),
                "slug": serializers.CharField(),
                "name": serializers.CharField(),
                "url": serializers.URLField(),
                "web_url": serializers.URLField(),
            },
            many=True,
        ),
    },
)


def _record(request: Request, record_type: PublicRecordType, record: Any) -> dict[str, Any]:
    name = record_type.model._meta.model_name
    return {
        "type": record_type.section,
        "slug": record.slug,
        "name": str(record),
        "url": drf_reverse(f"{name}-detail", kwargs={"slug": record.slug}, request=request),
        "web_url": request.build_absolute_uri(record.get_absolute_url()),
    }


def _documented(operation_id: str, parameters: type[serializers.Serializer], answer: Any) -> Any:
    """The schema of a `_ReadOnlyView`'s GET: its parameters, its answer and the 400."""
    return extend_schema_view(
        get=extend_schema(
            operation_id=operation_id,
            parameters=[parameters],
            responses={200: answer, 400: OpenApiResponse(description="A parameter is wrong.")},
        )
    )


class _ReadOnlyView(APIView):
    """An anonymous GET whose query parameters `parameters` validates (a 400 names the wrong one)."""

    permission_classes = [AllowAny]
    http_method_names = ["get", "head", "options"]
    parameters: type[serializers.Serializer]

    def get(self, request: Request) -> Response:
        parameters = self.parameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        return Response(self.answer(request, parameters.validated_data))

    def answer(self, request: Request, parameters: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


@_documented("search_everything", _SearchParameters, _SEARCH_ANSWER)
class SearchEverythingAPIView(_ReadOnlyView):
    """Search every record type at once: partnerships, partners, events and publications."""

    parameters = _SearchParameters

    def answer(self, request: Request, parameters: dict[str, Any]) -> dict[str, Any]:
        query = parameters["q"]
        # Blank words match nothing (as an empty box does), with every type's count at 0.
        groups = search_everything(query, per_type=parameters["limit"], only=parameters.get("type"))
        types: list[dict[str, Any]] = []
        results: list[dict[str, Any]] = []
        for group in groups:
            record_type = group.record_type
            list_url = drf_reverse(f"{record_type.model._meta.model_name}-list", request=request)
            types.append(
                {
                    "type": record_type.section,
                    "label": record_type.label,
                    "count": group.count,
                    "mode": group.outcome.mode,
                    "suggestion": group.outcome.suggestion,
                    "modes": list(group.outcome.modes or (group.outcome.mode,)),
                    "url": f"{list_url}?{urlencode({'q': query})}",
                    "web_url": request.build_absolute_uri(type_search_url(record_type, query)),
                }
            )
            results.extend(
                {
                    **_record(request, record_type, record),
                    "summary": record.summary_text(),
                    "score": round(float(record.search_rank), 6),
                }
                for record in group.records
            )
        return {"query": query, "count": sum(g.count for g in groups), "types": types, "results": results}


@_documented("autocomplete", _SuggestParameters, _SUGGESTIONS)
class AutocompleteAPIView(_ReadOnlyView):
    """Names and titles that start with what was typed, for a search box's suggestions."""

    parameters = _SuggestParameters

    def answer(self, request: Request, parameters: dict[str, Any]) -> dict[str, Any]:
        found = suggest(parameters["q"])
        return {"query": parameters["q"], "results": [_record(request, t, record) for t, record in found]}
