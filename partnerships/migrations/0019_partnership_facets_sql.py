"""Partnerships' facet tokens and the kept counts of every published partnership, on every path.

`partnerships_partnership_facets_refresh(ids)` writes the tokens (`status:2`, `platform:12`,
`sdg:13`, `region:002`...) of the given partnerships into `partnerships_partnershipfacets`, with the rules
of the facets: countries covered or of a published partner, every region above a covered region
or such a country, the organisation types of published partners. Triggers call it whenever one of
those inputs changes: the link tables and participations (per statement, so that a bulk insert
refreshes its partnerships once), a partner's status, country or type, a country's regions, the
region tree, a partnership's activity status. Its workflow status only sets `published`.

Triggers on `partnerships_partnershipfacets` then add the change of each token's count, over
published partnerships, to `partnerships_partnershipfacetcount` (rows only ever inserted, so that
concurrent writers never wait for each other there), and fold the rows into one per token once
there are more than 2,000 (rows another transaction is folding are skipped, not waited for).

The data step fills the tokens of the partnerships already there.
"""

from django.db import migrations

CREATE = r"""
CREATE FUNCTION partnerships_partnership_facets_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
WITH RECURSIVE ancestors(code, above) AS (
    SELECT code, code FROM partnerships_region
    UNION SELECT a.code, r.parent_id FROM ancestors a JOIN partnerships_region r ON r.code = a.above
    WHERE r.parent_id IS NOT NULL
), country_regions(country, code) AS (
    SELECT DISTINCT c.code, a.above FROM partnerships_country c
    JOIN ancestors a ON a.code IN (c.region_id, c.subregion_id, c.intermediate_region_id)
), partners AS (
    SELECT pa.partnership_id AS id, p.country_id, p.organisation_type_id
    FROM partnerships_participation pa JOIN partnerships_partner p ON p.id = pa.partner_id
    WHERE pa.partnership_id = ANY(ids) AND p.status = 'published'
), countries(id, code) AS (
    SELECT partnership_id, country_id FROM partnerships_partnership_countries
    WHERE partnership_id = ANY(ids)
    UNION SELECT id, country_id FROM partners WHERE country_id IS NOT NULL
), tokens(id, token) AS (
    SELECT id, 'status:' || activity_status_id FROM partnerships_partnership
    WHERE id = ANY(ids) AND activity_status_id IS NOT NULL
    UNION ALL SELECT partnership_id, 'platform:' || platform_id FROM partnerships_partnership_platforms
    WHERE partnership_id = ANY(ids)
    UNION ALL SELECT partnership_id, 'modality:' || modality_id FROM partnerships_partnership_modalities
    WHERE partnership_id = ANY(ids)
    UNION ALL SELECT partnership_id, 'sdg:' || sustainabledevelopmentgoal_id FROM partnerships_partnership_sdgs
    WHERE partnership_id = ANY(ids)
    UNION ALL SELECT id, 'country:' || code FROM countries
    UNION ALL SELECT DISTINCT id, 'partner_type:' || organisation_type_id FROM partners
    WHERE organisation_type_id IS NOT NULL
    UNION ALL (
        SELECT pr.partnership_id, 'region:' || a.above FROM partnerships_partnership_regions pr
        JOIN ancestors a ON a.code = pr.region_id WHERE pr.partnership_id = ANY(ids)
        UNION SELECT c.id, 'region:' || cr.code FROM countries c JOIN country_regions cr ON cr.country = c.code
    )
)
INSERT INTO partnerships_partnershipfacets AS f (partnership_id, published, tokens)
SELECT r.id, r.status = 'published', coalesce(g.tokens, '{}')
FROM partnerships_partnership r
LEFT JOIN (SELECT id, array_agg(token ORDER BY token) AS tokens FROM tokens GROUP BY id) g ON g.id = r.id
WHERE r.id = ANY(ids)
ON CONFLICT (partnership_id) DO UPDATE SET published = EXCLUDED.published, tokens = EXCLUDED.tokens
WHERE (f.published, f.tokens) IS DISTINCT FROM (EXCLUDED.published, EXCLUDED.tokens);
$$;

-- The partnerships named by a statement's rows of a table with a partnership_id column.
CREATE FUNCTION partnerships_partnership_facets_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT partnership_id) INTO ids FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT partnership_id) INTO ids FROM old_rows;
    ELSE
        SELECT array_agg(partnership_id) INTO ids
        FROM (SELECT partnership_id FROM new_rows UNION SELECT partnership_id FROM old_rows) AS changed;
    END IF;
    IF ids IS NOT NULL THEN
        PERFORM partnerships_partnership_facets_refresh(ids);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_partnership_facets_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.activity_status_id IS DISTINCT FROM NEW.activity_status_id THEN
        PERFORM partnerships_partnership_facets_refresh(ARRAY[NEW.id]);
    ELSE
        -- The workflow status changes only what the counts see, not the tokens.
        UPDATE partnerships_partnershipfacets SET published = NEW.status = 'published'
        WHERE partnership_id = NEW.id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_partnership_facets_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM partnerships_partnership_facets_refresh(ARRAY(SELECT id FROM new_rows));
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_partnership_facets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Removing a partnership's links refreshed its row just before the partnership went.
    DELETE FROM partnerships_partnershipfacets WHERE partnership_id IN (SELECT id FROM old_rows);
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_partnership_facets_partner_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM partnerships_partnership_facets_refresh(
        ARRAY(SELECT DISTINCT partnership_id FROM partnerships_participation WHERE partner_id = NEW.id)
    );
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_partnership_facets_country_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM partnerships_partnership_facets_refresh(ARRAY(
        SELECT partnership_id FROM partnerships_partnershipfacets
        WHERE tokens @> ARRAY['country:' || NEW.code]::varchar[]
    ));
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_partnership_facets_region_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The region tree changes with the M49 list, rarely: every partnership is counted again.
    PERFORM partnerships_partnership_facets_refresh(ARRAY(SELECT id FROM partnerships_partnership));
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_facet_counts_fold() RETURNS void LANGUAGE sql AS $$
WITH gone AS (
    DELETE FROM partnerships_partnershipfacetcount WHERE id IN (
        SELECT id FROM partnerships_partnershipfacetcount FOR UPDATE SKIP LOCKED
    ) RETURNING token, count
)
INSERT INTO partnerships_partnershipfacetcount (token, count)
SELECT token, sum(count) FROM gone GROUP BY token HAVING sum(count) <> 0;
$$;

CREATE FUNCTION partnerships_facet_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO partnerships_partnershipfacetcount (token, count)
        SELECT token, count(*) FROM new_rows, unnest(new_rows.tokens) AS token
        WHERE new_rows.published GROUP BY token;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO partnerships_partnershipfacetcount (token, count)
        SELECT token, -count(*) FROM old_rows, unnest(old_rows.tokens) AS token
        WHERE old_rows.published GROUP BY token;
    ELSE
        INSERT INTO partnerships_partnershipfacetcount (token, count)
        SELECT token, sum(change) FROM (
            SELECT token, 1 AS change FROM new_rows, unnest(new_rows.tokens) AS token WHERE new_rows.published
            UNION ALL
            SELECT token, -1 FROM old_rows, unnest(old_rows.tokens) AS token WHERE old_rows.published
        ) AS changes GROUP BY token HAVING sum(change) <> 0;
    END IF;
    IF (SELECT count(*) FROM (SELECT 1 FROM partnerships_partnershipfacetcount LIMIT 2001) AS kept) > 2000 THEN
        PERFORM partnerships_facet_counts_fold();
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION partnerships_facet_counts_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- DELETE, not TRUNCATE: a TRUNCATE of both tables at once (a test database's flush) is still
    -- using the counts table when this runs.
    DELETE FROM partnerships_partnershipfacetcount;
    RETURN NULL;
END;
$$;

CREATE TRIGGER partnership_facet_counts_insert AFTER INSERT ON partnerships_partnershipfacets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION partnerships_facet_counts_changed();
CREATE TRIGGER partnership_facet_counts_update AFTER UPDATE ON partnerships_partnershipfacets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_facet_counts_changed();
CREATE TRIGGER partnership_facet_counts_delete AFTER DELETE ON partnerships_partnershipfacets
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION partnerships_facet_counts_changed();
CREATE TRIGGER partnership_facet_counts_truncate AFTER TRUNCATE ON partnerships_partnershipfacets
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_facet_counts_truncated();

CREATE TRIGGER partnership_facets_insert AFTER INSERT ON partnerships_partnership
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION partnerships_partnership_facets_inserted();
CREATE TRIGGER partnership_facets_status AFTER UPDATE OF status, activity_status_id ON partnerships_partnership
    FOR EACH ROW WHEN ((OLD.status, OLD.activity_status_id) IS DISTINCT FROM (NEW.status, NEW.activity_status_id))
    EXECUTE FUNCTION partnerships_partnership_facets_status_changed();
CREATE TRIGGER partnership_facets_delete AFTER DELETE ON partnerships_partnership
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION partnerships_partnership_facets_deleted();
CREATE TRIGGER partnership_facets_partner AFTER UPDATE OF status, country_id, organisation_type_id
    ON partnerships_partner FOR EACH ROW
    WHEN ((OLD.status, OLD.country_id, OLD.organisation_type_id)
          IS DISTINCT FROM (NEW.status, NEW.country_id, NEW.organisation_type_id))
    EXECUTE FUNCTION partnerships_partnership_facets_partner_changed();
CREATE TRIGGER partnership_facets_country AFTER UPDATE OF region_id, subregion_id, intermediate_region_id
    ON partnerships_country FOR EACH ROW
    WHEN ((OLD.region_id, OLD.subregion_id, OLD.intermediate_region_id)
          IS DISTINCT FROM (NEW.region_id, NEW.subregion_id, NEW.intermediate_region_id))
    EXECUTE FUNCTION partnerships_partnership_facets_country_changed();
CREATE TRIGGER partnership_facets_region AFTER UPDATE OF parent_id ON partnerships_region
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id)
    EXECUTE FUNCTION partnerships_partnership_facets_region_changed();
"""

LINK_TABLES = [
    "partnerships_partnership_platforms",
    "partnerships_partnership_modalities",
    "partnerships_partnership_sdgs",
    "partnerships_partnership_countries",
    "partnerships_partnership_regions",
    "partnerships_participation",
]

LINK_TRIGGERS = "".join(
    f"""
CREATE TRIGGER {table}_facets_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_partnership_facets_rows_changed();
CREATE TRIGGER {table}_facets_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_partnership_facets_rows_changed();
CREATE TRIGGER {table}_facets_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION partnerships_partnership_facets_rows_changed();
"""
    for table in LINK_TABLES
)

FILL = "SELECT partnerships_partnership_facets_refresh(ARRAY(SELECT id FROM partnerships_partnership));"

DROP = (
    "".join(
        f"DROP TRIGGER IF EXISTS {table}_facets_{op} ON {table};\n"
        for table in LINK_TABLES
        for op in ("insert", "update", "delete")
    )
    + """
DROP TRIGGER IF EXISTS partnership_facets_region ON partnerships_region;
DROP TRIGGER IF EXISTS partnership_facets_country ON partnerships_country;
DROP TRIGGER IF EXISTS partnership_facets_partner ON partnerships_partner;
DROP TRIGGER IF EXISTS partnership_facets_delete ON partnerships_partnership;
DROP TRIGGER IF EXISTS partnership_facets_status ON partnerships_partnership;
DROP TRIGGER IF EXISTS partnership_facets_insert ON partnerships_partnership;
DROP TRIGGER IF EXISTS partnership_facet_counts_truncate ON partnerships_partnershipfacets;
DROP TRIGGER IF EXISTS partnership_facet_counts_delete ON partnerships_partnershipfacets;
DROP TRIGGER IF EXISTS partnership_facet_counts_update ON partnerships_partnershipfacets;
DROP TRIGGER IF EXISTS partnership_facet_counts_insert ON partnerships_partnershipfacets;
DROP FUNCTION IF EXISTS partnerships_facet_counts_truncated();
DROP FUNCTION IF EXISTS partnerships_facet_counts_changed();
DROP FUNCTION IF EXISTS partnerships_facet_counts_fold();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_region_changed();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_country_changed();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_partner_changed();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_deleted();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_status_changed();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_inserted();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_rows_changed();
DROP FUNCTION IF EXISTS partnerships_partnership_facets_refresh(bigint[]);
DELETE FROM partnerships_partnershipfacets;
DELETE FROM partnerships_partnershipfacetcount;
"""
)


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0018_partnership_facets")]

    operations = [migrations.RunSQL(CREATE + LINK_TRIGGERS + FILL, DROP)]
