"""Facet counts: how many matching records each value of a filter would give.

Each facet applies every filter except its own, so ticking one platform still shows how many
records the other platforms would add. Counts only ever see the published records the FilterSet
was given, and only published linked records (a draft partner's country or type counts nothing).
The API's `/facets/` endpoints and the public search pages both call `facet_counts()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import Count

from .base import Status

if TYPE_CHECKING:
    from .filters import RegistryFilterSet

FacetValues = list[dict[str, Any]]


class Facet:
    def counts(self, records: models.QuerySet) -> FacetValues:
        """Count the values among `records` (a queryset of the matching records' primary keys)."""
        raise NotImplementedError


class LinkFacet(Facet):
    """Counts over rows of `model` that point at a record through `record`, grouped by `value`."""

    def __init__(self, model: type[models.Model], record: str, value: str, label: str, **conditions: Any):
        self.model, self.record, self.value, self.label, self.conditions = (
            model,
            record,
            value,
            label,
            conditions,
        )

    def counts(self, records: models.QuerySet) -> FacetValues:
        rows = (
            self.model._default_manager.filter(
                **{f"{self.record}__in": records, f"{self.value}__isnull": False}, **self.conditions
            )
            .values(self.value, self.label)
            .annotate(count=Count(self.record, distinct=True))
            .order_by("-count", self.label)
        )
        return [
            {"value": row[self.value], "label": str(row[self.label]), "count": row["count"]} for row in rows
        ]


class ChoiceFacet(Facet):
    """Counts of a field with fixed choices, labelled from the choices."""

    def __init__(self, model: type[models.Model], field: str, choices: Any):
        self.model, self.field, self.labels = model, field, dict(choices)

    def counts(self, records: models.QuerySet) -> FacetValues:
        rows = (
            self.model._default_manager.filter(pk__in=records)
            .values(self.field)
            .annotate(count=Count("pk"))
            .order_by("-count", self.field)
        )
        return [
            {
                "value": row[self.field],
                "label": self.labels.get(row[self.field], row[self.field]),
                "count": row["count"],
            }
            for row in rows
        ]


class SqlFacet(Facet):
    """A facet whose value pairs (record id, code) come from a UNION of link tables, in SQL.

    The SQL is assembled from table names in the models' own Meta and from the ORM's compiled
    query; every value travels as a query parameter (hence the reviewed `nosec B608` marks).
    """

    def pairs_sql(self) -> str:
        raise NotImplementedError

    label_sql = ""

    def counts(self, records: models.QuerySet) -> FacetValues:
        records_sql, params = records.query.sql_with_params()
        sql = (
            f"WITH matched AS ({records_sql}), pairs AS ({self.pairs_sql()}) "  # nosec B608
            f"SELECT labels.code, labels.name, COUNT(DISTINCT pairs.record_id) FROM pairs "
            f"JOIN ({self.label_sql}) labels ON labels.code = pairs.code "
            f"GROUP BY labels.code, labels.name ORDER BY 3 DESC, labels.name"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, Status.PUBLISHED])
            return [{"value": code, "label": name, "count": count} for code, name, count in cursor.fetchall()]


def _tables() -> dict[str, str]:
    from .models import Country, Participation, Partner, Partnership, Region

    return {
        "countries": Partnership.countries.through._meta.db_table,
        "regions": Partnership.regions.through._meta.db_table,
        "participation": Participation._meta.db_table,
        "partner": Partner._meta.db_table,
        "country": Country._meta.db_table,
        "region": Region._meta.db_table,
    }


class PartnershipCountryFacet(SqlFacet):
    """Countries a partnership covers or where one of its published partners is based."""

    @property
    def label_sql(self) -> str:
        return f"SELECT code, name FROM {_tables()['country']}"  # nosec B608

    def pairs_sql(self) -> str:
        t = _tables()
        return (
            f"SELECT partnership_id AS record_id, country_id AS code FROM {t['countries']} "  # nosec B608
            f"WHERE partnership_id IN (SELECT * FROM matched) "
            f"UNION SELECT pa.partnership_id, p.country_id FROM {t['participation']} pa "
            f"JOIN {t['partner']} p ON p.id = pa.partner_id AND p.status = %s "
            f"WHERE pa.partnership_id IN (SELECT * FROM matched) AND p.country_id IS NOT NULL"
        )


class PartnershipRegionFacet(SqlFacet):
    """Regions at every level, as the `region` filter sees them: covered regions, the regions of
    covered countries and of published partners' countries, and every region above those."""

    @property
    def label_sql(self) -> str:
        return f"SELECT code, name FROM {_tables()['region']}"  # nosec B608

    def pairs_sql(self) -> str:
        t = _tables()
        country_regions = "unnest(ARRAY[c.region_id, c.subregion_id, c.intermediate_region_id])"
        return (
            f"WITH RECURSIVE touched(record_id, code) AS ("  # nosec B608
            f"SELECT partnership_id, region_id FROM {t['regions']} "
            f"WHERE partnership_id IN (SELECT * FROM matched) "
            f"UNION SELECT pc.partnership_id, {country_regions} FROM {t['countries']} pc "
            f"JOIN {t['country']} c ON c.code = pc.country_id "
            f"WHERE pc.partnership_id IN (SELECT * FROM matched) "
            f"UNION SELECT pa.partnership_id, {country_regions} FROM {t['participation']} pa "
            f"JOIN {t['partner']} p ON p.id = pa.partner_id AND p.status = %s "
            f"JOIN {t['country']} c ON c.code = p.country_id "
            f"WHERE pa.partnership_id IN (SELECT * FROM matched)"
            f"), up(record_id, code) AS ("
            f"SELECT record_id, code FROM touched WHERE code IS NOT NULL "
            f"UNION SELECT up.record_id, r.parent_id FROM up JOIN {t['region']} r ON r.code = up.code "
            f"WHERE r.parent_id IS NOT NULL"
            f") SELECT record_id, code FROM up"
        )


def facet_counts(filterset: RegistryFilterSet) -> dict[str, FacetValues]:
    """Counts for each of the FilterSet's facets, each under every filter but its own.

    `filterset` must be bound and valid. Its search outcome is reused so that every facet counts
    the same kind of match (full text or similar spelling) as the result list.
    """
    main = filterset.qs
    mode = filterset.search.mode if filterset.search else None
    result: dict[str, FacetValues] = {}
    for name, facet in filterset.facets.items():
        if name in filterset.data:
            data = filterset.data.copy()
            data.pop(name)
            others = type(filterset)(data, filterset.queryset, request=filterset.request, search_mode=mode)
            records = others.qs
        else:
            records = main
        result[name] = facet.counts(records.order_by().values("pk"))
    return result
