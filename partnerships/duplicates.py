"""Finding partners that are probably the same organisation (trigram similarity, accents and case ignored)."""

from __future__ import annotations

from django.contrib.postgres.lookups import Unaccent
from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Max, Q, Value
from django.db.models.functions import Greatest, Lower

from .models import Partner

# 0.5 catches "Organisation"/"Organization" and dropped words without flagging every "United Nations ...".
SIMILARITY_THRESHOLD = 0.5


def _normalised(expression: object) -> Unaccent:
    return Unaccent(Lower(expression))


def similar_partners(
    *,
    names: list[str],
    exclude_pk: int | None = None,
    threshold: float = SIMILARITY_THRESHOLD,
    limit: int = 8,
) -> list[Partner]:
    """Partners whose name, acronym or alternative name is close to any of `names`, closest first.

    Each returned partner carries its `similarity` (0 to 1).
    """
    needles = [n.strip() for n in names if n and n.strip()]
    if not needles:
        return []
    scores = []
    for needle in needles:
        typed = _normalised(Value(needle))
        scores += [
            TrigramSimilarity(_normalised("name"), typed),
            TrigramSimilarity(_normalised("alternative_names__name"), typed),
        ]
        # Acronyms are short: only an exact match (accents and case aside) says much.
        if len(needle) <= 12:
            scores.append(TrigramSimilarity(_normalised("acronym"), typed))
    queryset = Partner.objects.all()
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    queryset = (
        queryset.annotate(similarity=Max(Greatest(*scores) if len(scores) > 1 else scores[0]))
        .filter(Q(similarity__gte=threshold))
        .order_by("-similarity", "name")
    )
    return list(queryset[:limit])
