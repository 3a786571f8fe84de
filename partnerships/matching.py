"""Matching a written organisation name to one partner, as ROR's affiliation matching does.

`match(name, country=..., organisation_type=...)` gathers candidates from every kind of evidence:

- an identifier typed whole: an org-id or IATI organisation identifier (`XM-DAC-41301`), a ROR ID
  (`03vek6s52`, or its https://ror.org/ address) or a Wikidata QID (`Q1065`);
- the name, an alternative name (translation, former or variant name, of any language) or a
  translated title, equal to the name typed, case, accents, punctuation and a leading "the" aside;
- an acronym equal to the name typed, or standing as a word in it ("the Director for UNOSSC");
- trigram similarity of the names (typos, dropped words, "Organization" for "Organisation");
- the partner's sentence embedding near the name's (another language, another script).

Each candidate gets a score between 0 and 1 and the reasons for it. A country or type given that
differs from the partner's lowers its score. One candidate is `chosen` only when the evidence is
exact (an identifier, a name, an alias, a translated title or an acronym), its score is at least
`CHOSEN_SCORE`, and no other candidate comes within `CHOSEN_MARGIN` of it: a name two partners share
(the same ministry's name in two countries) chooses none until a country tells them apart. Fuzzy
and cross-language evidence ranks candidates but never chooses alone: an acronym one letter from
another (UNOSSC, UNOOSA) must not be taken for it.

The admin's duplicate warning, the import preview, the public proposal forms and
`GET /api/v1/partners/match/` all use this one matcher. `manage.py evaluate_matching` measures it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet

from registry import embeddings
from registry.fields import validate_single_line
from registry.workflow import Status
from vocabularies.identifiers import ROR_PATTERN, WIKIDATA_PATTERN, normalise_ror_id, normalise_wikidata_id

from .models import Partner

# The longest name accepted: organisation names are far shorter; longer input is refused (400).
MAX_NAME_LENGTH = 300
CANDIDATES = 5
CHOSEN_SCORE = 0.9
CHOSEN_MARGIN = 0.05
# Trigram similarity below this is no evidence at all.
FUZZY_THRESHOLD = 0.35

# Reasons, from the strongest.
IDENTIFIER = "identifier"
EXACT_NAME = "exact_name"
EXACT_ALIAS = "exact_alias"
EXACT_TRANSLATION = "exact_translation"
ACRONYM = "acronym"
ACRONYM_IN_NAME = "acronym_in_name"
FUZZY = "fuzzy"
CROSS_LANGUAGE = "cross_language"
OTHER_COUNTRY = "other_country"
OTHER_TYPE = "other_type"
EXACT_REASONS = {IDENTIFIER, EXACT_NAME, EXACT_ALIAS, EXACT_TRANSLATION, ACRONYM}

_SCORES = {
    IDENTIFIER: 1.0,
    EXACT_NAME: 1.0,
    EXACT_ALIAS: 0.98,
    EXACT_TRANSLATION: 0.97,
    ACRONYM: 0.95,
    ACRONYM_IN_NAME: 0.8,
}
# A fuzzy match scores its similarity times this; a cross-language one at most this.
FUZZY_WEIGHT = 0.88
CROSS_LANGUAGE_CAP = 0.85
# Each further kind of evidence for the same partner adds this.
CORROBORATION = 0.02
COUNTRY_PENALTY = 0.2
TYPE_PENALTY = 0.1

_PUNCTUATION = re.compile(r"[^\w&'+]+", re.UNICODE)
_LEADING_ARTICLE = re.compile(r"^(the|la|le|les|el|los|las|l'|o|os|a|as|die|der)\s+", re.IGNORECASE)
_IDENTIFIER = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]+){1,2}$")
_WORD = re.compile(r"[\w&+-]+", re.UNICODE)


def normalised(name: str) -> str:
    """`name` as names are compared: case, accents and punctuation aside, spaces collapsed, without a
    leading article ("The UNOSSC" is "unossc")."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = " ".join(_PUNCTUATION.sub(" ", text).split())
    return _LEADING_ARTICLE.sub("", text)


@dataclass
class Reason:
    kind: str
    matched: str = ""  # the name, alias or acronym matched
    language: str = ""
    similarity: float | None = None

    def as_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"kind": self.kind, "matched": self.matched}
        if self.language:
            entry["language"] = self.language
        if self.similarity is not None:
            entry["similarity"] = round(self.similarity, 3)
        return entry


@dataclass
class Candidate:
    partner: Partner
    score: float = 0.0
    reasons: list[Reason] = field(default_factory=list)
    chosen: bool = False

    @property
    def kinds(self) -> set[str]:
        return {reason.kind for reason in self.reasons}


def validate_name(name: Any) -> str:
    """The name to match, stripped, or a ValidationError saying what is wrong with it."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("Give the organisation's name to match.", code="required")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"A name can be at most {MAX_NAME_LENGTH} characters (this one has {len(name):,}).",
            code="max_length",
        )
    validate_single_line(name)
    if not normalised(name):
        raise ValidationError("The name has no letters or digits to match.", code="invalid")
    return name


def match(
    name: str,
    *,
    country: str | None = None,
    organisation_type: str | None = None,
    limit: int = CANDIDATES,
    partners: QuerySet[Partner] | None = None,
    exclude_pk: int | None = None,
) -> list[Candidate]:
    """The partners `name` may be, best first, at most `limit`; at most one `chosen`.

    `partners` are the ones that may be matched (published ones by default; the admin passes every
    partner); `exclude_pk` leaves one out (the partner being edited)."""
    name = validate_name(name)
    pool = partners if partners is not None else Partner.objects.filter(status=Status.PUBLISHED)
    if exclude_pk is not None:
        pool = pool.exclude(pk=exclude_pk)
    wanted = normalised(name)
    evidence: dict[int, list[Reason]] = {}

    def note(pk: int, reason: Reason) -> None:
        evidence.setdefault(pk, []).append(reason)

    for pk, kind, matched, language, similarity in _lexical(pool, name, wanted):
        note(pk, Reason(kind, matched, language or "", similarity))
    for pk, distance in _near_in_meaning(pool, name):
        note(pk, Reason(CROSS_LANGUAGE, "", "", 1 - distance))
    if not evidence:
        return []
    found = {p.pk: p for p in pool.filter(pk__in=evidence).select_related("country", "organisation_type")}
    candidates = [
        _scored(found[pk], reasons, country, organisation_type)
        for pk, reasons in evidence.items()
        if pk in found
    ]
    candidates.sort(key=lambda c: (-c.score, c.partner.name, c.partner.pk))
    candidates = candidates[:limit]
    if candidates and _confident(candidates):
        candidates[0].chosen = True
    return candidates


def chosen(name: str, **options: Any) -> Partner | None:
    """The partner `name` surely is, or None."""
    return next((c.partner for c in match(name, **options) if c.chosen), None)


def _scored(
    partner: Partner, reasons: list[Reason], country: str | None, organisation_type: str | None
) -> Candidate:
    best: dict[str, Reason] = {}
    for reason in reasons:
        kept = best.get(reason.kind)
        if kept is None or (reason.similarity or 0) > (kept.similarity or 0):
            best[reason.kind] = reason
    scores = []
    for kind, reason in best.items():
        if kind == FUZZY:
            scores.append(FUZZY_WEIGHT * (reason.similarity or 0))
        elif kind == CROSS_LANGUAGE:
            # Cosine similarity of e5 vectors: 0.9 is a close paraphrase or translation.
            scores.append(min(CROSS_LANGUAGE_CAP, max(0.0, 2 * (reason.similarity or 0) - 1)))
        else:
            scores.append(_SCORES[kind])
    score = max(scores) + CORROBORATION * (len(scores) - 1)
    kept_reasons = sorted(
        best.values(), key=lambda r: list(_SCORES).index(r.kind) if r.kind in _SCORES else 9
    )
    if country and partner.country_id and partner.country_id != country.upper():
        score -= COUNTRY_PENALTY
        kept_reasons.append(Reason(OTHER_COUNTRY, partner.country_id))
    if (
        organisation_type
        and partner.organisation_type_id
        and partner.organisation_type_id != organisation_type
    ):
        score -= TYPE_PENALTY
        kept_reasons.append(Reason(OTHER_TYPE, partner.organisation_type_id))
    return Candidate(partner, round(max(0.0, min(1.0, score)), 3), kept_reasons)


def _confident(candidates: list[Candidate]) -> bool:
    top = candidates[0]
    if top.score < CHOSEN_SCORE or not top.kinds & EXACT_REASONS:
        return False
    return len(candidates) == 1 or candidates[1].score <= top.score - CHOSEN_MARGIN


def _lexical(
    pool: QuerySet[Partner], name: str, wanted: str
) -> list[tuple[int, str, str, str, float | None]]:
    """(partner id, reason, what matched, its language, similarity) of every lexical evidence, in one
    query over the partners `pool` selects: exact names, aliases, translated titles, identifiers and
    acronyms, acronyms standing as words of the name, and the trigram-similar names and aliases."""
    ids_sql, ids_params = pool.values("pk").query.sql_with_params()
    words = sorted({w.upper() for w in _WORD.findall(name) if len(w) >= 2})[:20]
    identifier = name.upper() if _IDENTIFIER.match(name) else ""
    ror_id = normalise_ror_id(name)
    ror_id = ror_id if re.match(ROR_PATTERN, ror_id) else ""
    wikidata_id = normalise_wikidata_id(name)
    wikidata_id = wikidata_id if re.match(WIKIDATA_PATTERN, wikidata_id) else ""
    sql = f"""
WITH pool AS NOT MATERIALIZED ({ids_sql}),
labels AS (
    SELECT p.id, p.name AS label, %s AS kind, '' AS language FROM partnerships_partner p
    WHERE p.id IN (SELECT * FROM pool)
    UNION ALL
    SELECT n.partner_id, n.name, %s, coalesce(n.language_id, '') FROM partnerships_partnername n
    WHERE n.partner_id IN (SELECT * FROM pool)
),
fuzzy AS (
    SELECT id, label, kind, language, similarity(lower(sscregistry_unaccent(label)), %s) AS similarity
    FROM labels WHERE lower(sscregistry_unaccent(label)) %% %s
    ORDER BY similarity DESC LIMIT 40
)
SELECT id, %s, label, language, similarity, kind FROM fuzzy
UNION ALL
SELECT p.id, %s, t.value ->> 'title', t.key, NULL, '' FROM partnerships_partner p,
    jsonb_each(CASE WHEN jsonb_typeof(p.translations) = 'object' THEN p.translations ELSE '{{}}' END) t
WHERE p.id IN (SELECT * FROM pool)
    AND partnerships_translated_titles(p.translations) @> ARRAY[lower(sscregistry_unaccent(%s))]
    AND jsonb_typeof(t.value) = 'object'
    AND lower(sscregistry_unaccent(t.value ->> 'title')) = lower(sscregistry_unaccent(%s))
UNION ALL
SELECT p.id, %s, CASE WHEN upper(p.identifier) = %s THEN p.identifier ELSE p.iati_identifier END,
    '', NULL, '' FROM partnerships_partner p
WHERE p.id IN (SELECT * FROM pool) AND %s <> ''
    AND (upper(p.identifier) = %s OR upper(p.iati_identifier) = %s)
UNION ALL
SELECT p.id, %s, CASE WHEN p.ror_id = %s THEN p.ror_id ELSE p.wikidata_id END, '', NULL, ''
FROM partnerships_partner p
WHERE p.id IN (SELECT * FROM pool) AND ((%s <> '' AND p.ror_id = %s) OR (%s <> '' AND p.wikidata_id = %s))
UNION ALL
SELECT p.id, CASE WHEN upper(p.acronym) = upper(%s) THEN %s ELSE %s END, p.acronym, '', NULL, ''
FROM partnerships_partner p
WHERE p.id IN (SELECT * FROM pool) AND p.acronym <> '' AND upper(p.acronym) = ANY(%s)
"""  # nosec B608 (the pool's SQL is Django's; every value is a parameter)
    params = [
        *ids_params,
        EXACT_NAME,
        EXACT_ALIAS,
        wanted,
        wanted,
        FUZZY,
        EXACT_TRANSLATION,
        name,
        name,
        IDENTIFIER,
        identifier,
        identifier,
        identifier,
        identifier,
        IDENTIFIER,
        ror_id,
        ror_id,
        ror_id,
        wikidata_id,
        wikidata_id,
        name.strip(),
        ACRONYM,
        ACRONYM_IN_NAME,
        [*words, name.strip().upper()],
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for pk, kind, label, language, similarity, source in rows:
        if kind == FUZZY:
            if normalised(label) == wanted:  # the name or an alias, as typed
                found.append((pk, source, label, language, None))
                continue
            if similarity is None or similarity < FUZZY_THRESHOLD:
                continue
        found.append((pk, kind, label, language, similarity))
    return found


def _near_in_meaning(pool: QuerySet[Partner], name: str) -> list[tuple[int, float]]:
    """Partners near `name` in meaning (their sentence embeddings), within the search's reach."""
    from django.conf import settings  # noqa: PLC0415

    found = embeddings.nearest(Partner, name)
    if not found:
        return []
    allowed = set(pool.filter(pk__in=[pk for pk, _d in found]).values_list("pk", flat=True))
    near = [(pk, d) for pk, d in found if pk in allowed and d <= settings.SEARCH_VECTOR_MAX_DISTANCE]
    return near[:CANDIDATES]
