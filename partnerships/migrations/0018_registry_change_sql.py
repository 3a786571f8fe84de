"""The registry's change stamp (`RegistryChange`) is bumped by the database, on every write path.

Each registry table carries a statement-level trigger (`partnerships.signals.RegistryChangeTrigger`:
the apps' migrations add it, pgtrigger adds it to many-to-many link tables after each migrate) that
runs `registry_change_noted()`. This migration depends on no table, so that it can come first. That function
notes, once per transaction, that the transaction wrote the registry: it queues one row in
`partnerships_registrychange_pending`, whose deferred constraint trigger bumps the stamp when the
transaction commits. Bumping at commit rather than at the first write keeps the stamp's row lock
for an instant: held from the first write, it would make every other writer wait for a long
import, and deadlock a writer that already holds a row the holder needs next.

The stamp is the database's clock at commit, and always later than the one it replaces, so it
never goes back when clocks or commits interleave.
"""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE partnerships_registrychange_pending (id bigserial PRIMARY KEY);

CREATE FUNCTION registry_change_noted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('registry.change_noted', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('registry.change_noted', 'on', true);
        INSERT INTO partnerships_registrychange_pending DEFAULT VALUES;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION registry_change_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partnerships_registrychange (id, changed_at) VALUES (1, clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET changed_at = GREATEST(
        EXCLUDED.changed_at, partnerships_registrychange.changed_at + interval '1 microsecond'
    );
    DELETE FROM partnerships_registrychange_pending WHERE id = NEW.id;
    -- Fired early by SET CONSTRAINTS ... IMMEDIATE, a later write of the transaction notes again.
    PERFORM set_config('registry.change_noted', '', true);
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER registry_change_at_commit
    AFTER INSERT ON partnerships_registrychange_pending
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION registry_change_commit();
"""

DROP = """
DROP TABLE IF EXISTS partnerships_registrychange_pending;
DROP FUNCTION IF EXISTS registry_change_commit();
DROP FUNCTION IF EXISTS registry_change_noted() CASCADE;  -- and the tables' triggers that call it
"""


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0017_sdg_targets_imply_goals")]

    operations = [migrations.RunSQL(CREATE, DROP)]
