"""The partnership facets that count over several link tables: countries and regions."""

from __future__ import annotations

from registry.facets import SqlFacet


def _tables() -> dict[str, str]:
    from partnerships.models import Participation, Partner, Partnership
    from vocabularies.models import Country, Region

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
    covered countries and of published partners' countries, and every region above those.

    The climb up the region tree runs over the two small vocabularies first (every region with
    each region above it, every country with each region it lies in); the records' link rows are
    then joined to those once (docs/scaling.md has the figures).
    """

    @property
    def label_sql(self) -> str:
        return f"SELECT code, name FROM {_tables()['region']}"  # nosec B608

    def pairs_sql(self) -> str:
        t = _tables()
        return (
            f"WITH RECURSIVE ancestors(code, above) AS ("  # nosec B608
            f"SELECT code, code FROM {t['region']} "
            f"UNION SELECT a.code, r.parent_id FROM ancestors a JOIN {t['region']} r ON r.code = a.above "
            f"WHERE r.parent_id IS NOT NULL"
            f"), country_regions(country, code) AS ("
            f"SELECT DISTINCT c.code, a.above FROM {t['country']} c JOIN ancestors a "
            f"ON a.code IN (c.region_id, c.subregion_id, c.intermediate_region_id)"
            f") SELECT pr.partnership_id AS record_id, a.above AS code FROM {t['regions']} pr "
            f"JOIN ancestors a ON a.code = pr.region_id "
            f"WHERE pr.partnership_id IN (SELECT * FROM matched) "
            f"UNION SELECT pc.partnership_id, cr.code FROM {t['countries']} pc "
            f"JOIN country_regions cr ON cr.country = pc.country_id "
            f"WHERE pc.partnership_id IN (SELECT * FROM matched) "
            f"UNION SELECT pa.partnership_id, cr.code FROM {t['participation']} pa "
            f"JOIN {t['partner']} p ON p.id = pa.partner_id AND p.status = %s "
            f"JOIN country_regions cr ON cr.country = p.country_id "
            f"WHERE pa.partnership_id IN (SELECT * FROM matched)"
        )
