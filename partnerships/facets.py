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

    vocabulary = "vocabularies.Country"

    def pairs_sql(self) -> str:
        return """
            SELECT partnership_id AS record_id, country_id AS code FROM {countries}
            WHERE partnership_id IN (SELECT * FROM matched)
            UNION SELECT pa.partnership_id, p.country_id FROM {participation} pa
                JOIN {partner} p ON p.id = pa.partner_id AND p.status = %s
                WHERE pa.partnership_id IN (SELECT * FROM matched) AND p.country_id IS NOT NULL
        """.format(**_tables())  # nosec B608


class PartnershipRegionFacet(SqlFacet):
    """Regions at every level, as the `region` filter sees them: covered regions, the regions of
    covered countries and of published partners' countries, and every region above those.

    The climb up the region tree runs over the two small vocabularies first (every region with
    each region above it, every country with each region it lies in); the records' link rows are
    then joined to those once (docs/scaling.md has the figures).
    """

    vocabulary = "vocabularies.Region"

    def pairs_sql(self) -> str:
        return """
            WITH RECURSIVE ancestors(code, above) AS (
                SELECT code, code FROM {region}
                UNION SELECT a.code, r.parent_id FROM ancestors a JOIN {region} r ON r.code = a.above
                WHERE r.parent_id IS NOT NULL
            ), country_regions(country, code) AS (
                SELECT DISTINCT c.code, a.above FROM {country} c
                JOIN ancestors a ON a.code IN (c.region_id, c.subregion_id, c.intermediate_region_id)
            )
            SELECT pr.partnership_id AS record_id, a.above AS code FROM {regions} pr
                JOIN ancestors a ON a.code = pr.region_id
                WHERE pr.partnership_id IN (SELECT * FROM matched)
            UNION SELECT pc.partnership_id, cr.code FROM {countries} pc
                JOIN country_regions cr ON cr.country = pc.country_id
                WHERE pc.partnership_id IN (SELECT * FROM matched)
            UNION SELECT pa.partnership_id, cr.code FROM {participation} pa
                JOIN {partner} p ON p.id = pa.partner_id AND p.status = %s
                JOIN country_regions cr ON cr.country = p.country_id
                WHERE pa.partnership_id IN (SELECT * FROM matched)
        """.format(**_tables())  # nosec B608
