"""Partners that are probably the same organisation: the admin's duplicate warning and the import
preview ask the one matcher (partnerships.matching) about each of a partner's names."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from . import matching
from .models import Partner

# The score from which a candidate is shown as a possible duplicate: a trigram similarity of about
# 0.57 ("Organisation"/"Organization" and dropped words), any exact evidence, or a close translation.
SIMILARITY_THRESHOLD = 0.5


def similar_partners(
    *,
    names: list[str],
    exclude_pk: int | None = None,
    threshold: float = SIMILARITY_THRESHOLD,
    limit: int = 8,
) -> list[Partner]:
    """Partners, drafts included, whom any of `names` may be, best first. Each returned partner
    carries its `similarity` (the matcher's score, 0 to 1) and `reasons`."""
    best: dict[int, matching.Candidate] = {}
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        try:
            candidates = matching.match(
                name, partners=Partner.objects.all(), exclude_pk=exclude_pk, limit=limit
            )
        except ValidationError:
            continue  # a name the form refuses anyway
        for candidate in candidates:
            kept = best.get(candidate.partner.pk)
            if candidate.score >= threshold and (kept is None or candidate.score > kept.score):
                best[candidate.partner.pk] = candidate
    ranked = sorted(best.values(), key=lambda c: (-c.score, c.partner.name))[:limit]
    for candidate in ranked:
        candidate.partner.similarity = candidate.score  # type: ignore[attr-defined]
        candidate.partner.reasons = candidate.reasons  # type: ignore[attr-defined]
    return [c.partner for c in ranked]
