"""What the facet-token tests of every app check (tests/<app>/test_facet_tokens.py): that the
facets counted from the stored tokens, and with no filter from the stored counts, equal the same
facets counted over the link tables."""

from __future__ import annotations

from django.db import models
from django.db.models import Sum
from django.http import QueryDict

from registry.facets import facet_counts


def linked(filterset_class: type) -> type:
    """The same FilterSet, each facet counted over the link tables instead of the stored tokens."""
    facets = {name: getattr(facet, "link", facet) for name, facet in filterset_class.facets.items()}
    return type(f"Linked{filterset_class.__name__}", (filterset_class,), {"facets": facets})


def counted(filterset_class: type, queryset: models.QuerySet, **params: str) -> dict:
    data = QueryDict(mutable=True)
    data.update(params)
    filterset = filterset_class(data, queryset=queryset)
    assert filterset.is_valid(), filterset.errors
    return facet_counts(filterset)


def assert_tokens_current(
    filterset_class: type,
    published: models.QuerySet,
    facets_model: type[models.Model],
    counts_model: type[models.Model],
    one_filter: dict[str, str],
) -> None:
    """Tokens and link tables agree for every published record (the stored counts) and for a
    subset (the stored tokens of its rows), with no filter and with `one_filter`; and no count is
    left over from a token no published record has any more."""
    link_filter = linked(filterset_class)
    for queryset in (published, published.filter(pk__gt=0)):
        for params in ({}, one_filter):
            stored = counted(filterset_class, queryset, **params)
            assert stored == counted(link_filter, queryset, **params), (queryset.query, params)
    rows = counts_model.objects.values("token").annotate(total=Sum("count")).order_by()
    totals = {row["token"]: row["total"] for row in rows if row["total"]}
    expected: dict[str, int] = {}
    for row in facets_model.objects.filter(published=True):
        for token in row.tokens:
            expected[token] = expected.get(token, 0) + 1
    assert totals == expected
