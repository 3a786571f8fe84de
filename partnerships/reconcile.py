"""Reconciliation services (registry.reconciliation) for partners, by name, and partnerships, by title.

Partners are matched by the one matcher (`partnerships.matching`): the same candidates, scores and
`chosen` as `GET /api/v1/partners/match/`, and a query that gives a ROR ID, Wikidata QID, IATI or
org-id identifier as a property is matched by it first. A merged duplicate's slug still names its
survivor. Partnerships are matched by their title in any language, through the registry's search.
"""

from __future__ import annotations

import unicodedata
from concurrent.futures import ThreadPoolExecutor
from difflib import SequenceMatcher
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Q, QuerySet

from registry import embeddings
from registry.everything import searchable_types, suggest
from registry.fields import validate_single_line
from registry.reconciliation import Property, Query, ReconciliationService, Result, service_urls
from registry.search import exact_matches, search
from registry.workflow import Status
from vocabularies.identifiers import normalise_ror_id, normalise_wikidata_id
from vocabularies.models import Country, OrganisationType

from . import matching
from .models import OrganisationRelation, Participation, Partner, PartnerName, Partnership
from .services import published_by_slug, valid_slugs

PARTNER_IDENTIFIERS = {
    "ror_id": normalise_ror_id,
    "wikidata_id": normalise_wikidata_id,
    "iati_identifier": lambda value: value.strip().upper(),
    "identifier": lambda value: value.strip().upper(),
}


MAX_IDENTIFIER = 200
# A batch of at least twice this many queries is shared among RECONCILE_WORKERS threads.
PARALLEL_FROM = 10


def _str(value: Any) -> list[dict[str, Any]]:
    return [{"str": str(value)}] if value not in (None, "") else []


def _date(value: Any) -> list[dict[str, Any]]:
    # The protocol's dates are date-times; the registry's are days.
    return [{"date": f"{value.isoformat()}T00:00:00Z"}] if value else []


def _feature(reason: matching.Reason) -> dict[str, Any]:
    return {"id": reason.kind, "value": reason.similarity if reason.similarity is not None else True}


class PartnerService(ReconciliationService):
    slug = "partners"
    name = "SSC Registry: partner organisations"
    type_id = "partner"
    type_name = "Partner organisation"
    detail_url_name = "partnerships:partner-detail"
    properties = (
        Property(
            "country",
            "Country",
            "ISO 3166 alpha-2 code (or the country's name) of its headquarters.",
            queryable=True,
        ),
        Property("organisation_type", "Organisation type", "IATI organisation type code."),
        Property("acronym", "Acronym"),
        Property("ror_id", "ROR ID", "The Research Organization Registry's ID.", queryable=True),
        Property("wikidata_id", "Wikidata QID", queryable=True),
        Property("iati_identifier", "IATI organisation identifier", queryable=True),
        Property("identifier", "Organisation identifier (org-id.guide)", queryable=True),
        Property("website", "Website"),
        Property("url", "Page in the registry"),
        Property("parent", "Parent organisation", entity=("partner", "Partner organisation")),
        Property(
            "children",
            "Child organisations",
            "The organisations it includes now.",
            entity=("partner", "Partner organisation"),
        ),
        Property(
            "predecessors",
            "Predecessors",
            "The organisations it succeeded.",
            entity=("partner", "Partner organisation"),
        ),
        Property(
            "successors",
            "Successors",
            "The organisations that succeeded it.",
            entity=("partner", "Partner organisation"),
        ),
        Property("alternative_names", "Other names", "Translations, former names and variants."),
    )

    def types(self) -> list[dict[str, str]]:
        codes = OrganisationType.objects.order_by("code").values_list("code", "name")
        return [{"id": self.type_id, "name": self.type_name}] + [{"id": c, "name": n} for c, n in codes]

    def types_of(self, record: Any) -> list[dict[str, str]]:
        found = [{"id": self.type_id, "name": self.type_name}]
        if record.organisation_type_id:
            found.append({"id": record.organisation_type_id, "name": record.organisation_type.name})
        return found

    def describe(self, record: Any) -> str:
        parts = [
            record.country.name if record.country_id else "",
            record.organisation_type.name if record.organisation_type_id else "",
        ]
        return " · ".join(part for part in parts if part)

    def check(self, queries: list[Query]) -> None:
        errors: dict[str, list[str]] = {}
        countries = {str(v).strip().casefold() for q in queries for v in q.values("country")}
        known = self._countries(countries)
        for query in queries:
            problems = []
            if query.text.strip():
                try:
                    query.text = matching.validate_name(query.text)
                except ValidationError as error:
                    problems += error.messages
            for value in query.values("country"):
                if str(value).strip().casefold() not in known:
                    problems.append(
                        f"{str(value)[:100]!r} is not a country the registry knows (give its code or name)."
                    )
            for pid in PARTNER_IDENTIFIERS:
                for value in query.values(pid):
                    try:
                        validate_single_line(str(value))
                        if len(str(value)) > MAX_IDENTIFIER:
                            raise ValidationError(f"An identifier has at most {MAX_IDENTIFIER} characters.")
                    except ValidationError as error:
                        problems += [f"{pid}: {message}" for message in error.messages]
            if len({t for t in query.types if t != self.type_id}) > 1:
                problems.append("Give at most one organisation type.")
            if problems:
                errors[query.key] = problems
        if errors:
            raise ValidationError(errors)
        for query in queries:
            query.properties = [
                (pid, [known[str(v).strip().casefold()] for v in values])
                if pid == "country"
                else (pid, values)
                for pid, values in query.properties
            ]

    @staticmethod
    def _countries(wanted: set[str]) -> dict[str, str]:
        """`{what was written, case aside: code}` of the countries written by code or name (in
        English, French or Spanish)."""
        if not wanted:
            return {}
        found: dict[str, str] = {}
        for code, *names in Country.objects.values_list("code", "name", "name_fr", "name_es"):
            for written in (code, *names):
                if written and written.casefold() in wanted:
                    found[written.casefold()] = code
        return found

    def reconcile(self, queries: list[Query]) -> list[list[Result]]:
        by_identifier = self._by_identifier(queries)
        embeddings.prepare_queries(Partner, [q.text for q in queries])
        workers = min(settings.RECONCILE_WORKERS, len(queries) // PARALLEL_FROM)
        if workers < 2 or connections["default"].in_atomic_block:
            # (Other connections would not see what this transaction has written.)
            return [self._answer(query, by_identifier.get(query.key)) for query in queries]
        # A large batch is matched on several connections at once: most of a match is PostgreSQL's
        # work (trigram and vector index scans), which then runs on several cores.
        chunks = [queries[start::workers] for start in range(workers)]
        with ThreadPoolExecutor(workers, thread_name_prefix="reconcile") as pool:
            answered = list(pool.map(lambda chunk: self._answer_chunk(chunk, by_identifier), chunks))
        by_key = {
            q.key: results
            for chunk, found in zip(chunks, answered, strict=True)
            for q, results in zip(chunk, found, strict=True)
        }
        return [by_key[query.key] for query in queries]

    def _answer_chunk(self, chunk: list[Query], by_identifier: dict[str, Partner]) -> list[list[Result]]:
        try:
            return [self._answer(query, by_identifier.get(query.key)) for query in chunk]
        finally:
            connections.close_all()  # this thread's own connections

    def _answer(self, query: Query, known: Partner | None) -> list[Result]:
        countries = query.values("country")
        kinds = [t for t in query.types if t != self.type_id]
        candidates = (
            matching.match(
                query.text,
                country=countries[0] if countries else None,
                organisation_type=kinds[0] if kinds else None,
                limit=query.limit,
            )
            if query.text.strip()
            else []
        )
        results = [Result(c.partner, c.score, c.chosen, [_feature(r) for r in c.reasons]) for c in candidates]
        if known is not None:
            results = [r for r in results if r.record.pk != known.pk]
            for result in results:
                result.match = False
            results.insert(0, Result(known, 1.0, True, [{"id": matching.IDENTIFIER, "value": True}]))
        return results[: query.limit]

    def _by_identifier(self, queries: list[Query]) -> dict[str, Partner]:
        """The published partner each query names by an identifier property, in one query."""
        wanted: dict[str, list[tuple[str, str]]] = {}
        condition = Q()
        for query in queries:
            for pid, normalise in PARTNER_IDENTIFIERS.items():
                for value in query.values(pid):
                    value = normalise(str(value))
                    if value:
                        wanted.setdefault(query.key, []).append((pid, value))
                        condition |= Q(**{f"{pid}__iexact": value})
        if not wanted:
            return {}
        partners = list(
            Partner.objects.published().filter(condition).select_related("country", "organisation_type")
        )
        found = {}
        for key, pairs in wanted.items():
            for pid, value in pairs:
                hit = next((p for p in partners if getattr(p, pid).upper() == value.upper()), None)
                if hit is not None:
                    found[key] = hit
                    break
        return found

    def records(self, ids: list[str]) -> dict[str, Any]:
        found = published_by_slug(ids)
        pks = {p.pk for p in found.values()}
        full = Partner.objects.filter(pk__in=pks).select_related("country", "organisation_type")
        by_pk = {p.pk: p for p in full}
        return {slug: by_pk[p.pk] for slug, p in found.items()}

    def suggest(self, prefix: str, limit: int) -> list[Any]:
        (partner_type,) = [t for t in searchable_types() if t.model is Partner]
        records = [record for _type, record in suggest(prefix, limit, types=[partner_type])]
        by_pk = Partner.objects.select_related("country", "organisation_type").in_bulk(
            [r.pk for r in records]
        )
        return [by_pk[r.pk] for r in records if r.pk in by_pk]

    def values(self, records: list[Any], pids: list[str]) -> dict[int, dict[str, list[dict[str, Any]]]]:
        parents = {
            p.pk: p
            for p in Partner.objects.published().filter(pk__in=[r.parent_id for r in records if r.parent_id])
        }
        names: dict[int, list[str]] = {}
        if "alternative_names" in pids:
            for partner_id, name in (
                PartnerName.objects.filter(partner__in=records)
                .order_by("partner_id", "name")
                .values_list("partner_id", "name")
            ):
                names.setdefault(partner_id, []).append(name)
        related: dict[tuple[int, str], list[dict[str, str]]] = {}
        kinds = {"children": "child", "predecessors": "predecessor", "successors": "successor"}
        if set(kinds) & set(pids):
            rows = (
                OrganisationRelation.objects.filter(
                    partner__in=records, related__status=Status.PUBLISHED, kind__in=kinds.values()
                )
                .exclude(OrganisationRelation.FORMER)  # former children are not children
                .order_by("partner_id", "related__name", "id")
                .values_list("partner_id", "kind", "related__slug", "related__name")
            )
            for partner_id, kind, slug, name in rows:
                related.setdefault((partner_id, kind), []).append({"id": slug, "name": name})
        answer = {}
        for record in records:
            parent = parents.get(record.parent_id)
            row = {
                "country": _str(record.country_id),
                "organisation_type": _str(record.organisation_type_id),
                "acronym": _str(record.acronym),
                "ror_id": _str(record.ror_id),
                "wikidata_id": _str(record.wikidata_id),
                "iati_identifier": _str(record.iati_identifier),
                "identifier": _str(record.identifier),
                "website": _str(record.website),
                "url": _str(record.get_absolute_url()),
                "parent": [{"id": parent.slug, "name": parent.name}] if parent is not None else [],
                "alternative_names": [{"str": name} for name in names.get(record.pk, [])],
                **{pid: related.get((record.pk, kind), []) for pid, kind in kinds.items()},
            }
            answer[record.pk] = {pid: row[pid] for pid in pids}
        return answer

    def preview_facts(self, record: Any) -> list[tuple[str, str]]:
        facts = [("Acronym", record.acronym)] if record.acronym else []
        facts += [(register, identifier) for register, identifier, _url in record.external_identifiers()]
        return facts


def _folded(text: str) -> str:
    return matching.normalised(unicodedata.normalize("NFC", text))


class PartnershipService(ReconciliationService):
    slug = "partnerships"
    name = "SSC Registry: partnerships"
    type_id = "partnership"
    type_name = "Partnership"
    detail_url_name = "partnerships:partnership-detail"
    properties = (
        Property("start_date", "Start date"),
        Property("end_date", "End date"),
        Property("activity_status", "Activity status", "IATI activity status code."),
        Property(
            "partners",
            "Partners",
            "The partner organisations, by their ids in the partners service.",
            entity=("partner", PartnerService.type_name),
        ),
        Property("countries", "Countries", "ISO 3166 alpha-2 codes."),
        Property("url", "Page in the registry"),
    )

    def reconcile(self, queries: list[Query]) -> list[list[Result]]:
        answers = []
        for query in queries:
            found, _outcome = search(Partnership.objects.published(), query.text)
            ranked = list(found.order_by("-search_rank", "pk")[: query.limit])
            exact = set(exact_matches(Partnership.objects.published(), [query.text], [p.pk for p in ranked]))
            wanted = _folded(query.text)
            results = []
            for partnership in ranked:
                titles = [partnership.title] + [
                    t.get("title", "")
                    for t in (partnership.translations or {}).values()
                    if isinstance(t, dict)
                ]
                likeness = max(SequenceMatcher(None, wanted, _folded(t)).ratio() for t in titles if t)
                score = 1.0 if partnership.pk in exact else round(0.95 * likeness, 3)
                results.append(
                    Result(
                        partnership, score, features=[{"id": "title_similarity", "value": round(likeness, 3)}]
                    )
                )
            results.sort(key=lambda r: -r.score)
            if len(exact) == 1 and results and results[0].record.pk in exact:
                results[0].match = True
            answers.append(results)
        return answers

    def check(self, queries: list[Query]) -> None:
        errors = {}
        for query in queries:
            try:
                query.text = matching.validate_name(query.text)
            except ValidationError as error:
                errors[query.key] = [
                    m.replace("organisation's name", "partnership's title") for m in error.messages
                ]
        if errors:
            raise ValidationError(errors)

    def records(self, ids: list[str]) -> dict[str, Any]:
        return {p.slug: p for p in Partnership.objects.published().filter(slug__in=valid_slugs(ids))}

    def suggest(self, prefix: str, limit: int) -> list[Any]:
        (partnership_type,) = [t for t in searchable_types() if t.model is Partnership]
        return [record for _type, record in suggest(prefix, limit, types=[partnership_type])]

    def values(self, records: list[Any], pids: list[str]) -> dict[int, dict[str, list[dict[str, Any]]]]:
        partners: dict[int, list[dict[str, str]]] = {}
        for participation in _participations(records):
            partners.setdefault(participation.partnership_id, []).append(
                {"id": participation.partner.slug, "name": participation.partner.name}
            )
        countries: dict[int, list[str]] = {}
        for partnership_id, code in (
            Partnership.countries.through.objects.filter(partnership__in=records)
            .order_by("partnership_id", "country_id")
            .values_list("partnership_id", "country_id")
        ):
            countries.setdefault(partnership_id, []).append(code)
        answer = {}
        for record in records:
            row = {
                "start_date": _date(record.start_date),
                "end_date": _date(record.end_date),
                "activity_status": _str(record.activity_status_id),
                "partners": partners.get(record.pk, []),
                "countries": [{"str": code} for code in countries.get(record.pk, [])],
                "url": _str(record.get_absolute_url()),
            }
            answer[record.pk] = {pid: row[pid] for pid in pids}
        return answer

    def preview_facts(self, record: Any) -> list[tuple[str, str]]:
        names = ", ".join(p.partner.name for p in _participations([record]))
        facts = [("Partners", names)] if names else []
        if record.start_date:
            facts.append(("Since", record.start_date.isoformat()))
        return facts

    def describe(self, record: Any) -> str:
        return str(record.summary or "")[:200]


def _participations(records: list[Any]) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(partnership__in=records, partner__status=Status.PUBLISHED)
        .select_related("partner")
        .order_by("partnership_id", "partner__name")
    )


urlpatterns = [*service_urls(PartnerService()), *service_urls(PartnershipService())]
