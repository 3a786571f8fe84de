"""A partnership's SDG targets imply their goals, on every path.

A trigger on the targets' link table adds the target's goal whenever a target is linked (admin, API,
import, seed, raw SQL alike); `partnerships.signals` puts a goal back when it is unlinked while one of
its targets stays. The data step adds the goals that existing targets imply.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION partnerships_target_implies_goal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partnerships_partnership_sdgs (partnership_id, sustainabledevelopmentgoal_id)
    SELECT NEW.partnership_id, target.goal_id
    FROM partnerships_sdgtarget AS target
    WHERE target.code = NEW.sdgtarget_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER partnership_sdg_target_implies_goal
    AFTER INSERT ON partnerships_partnership_sdg_targets
    FOR EACH ROW EXECUTE FUNCTION partnerships_target_implies_goal();
INSERT INTO partnerships_partnership_sdgs (partnership_id, sustainabledevelopmentgoal_id)
SELECT link.partnership_id, target.goal_id
FROM partnerships_partnership_sdg_targets AS link
JOIN partnerships_sdgtarget AS target ON target.code = link.sdgtarget_id
ON CONFLICT DO NOTHING;
"""

DROP = """
DROP TRIGGER IF EXISTS partnership_sdg_target_implies_goal ON partnerships_partnership_sdg_targets;
DROP FUNCTION IF EXISTS partnerships_target_implies_goal();
"""


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0016_one_line_fields_and_date_window")]

    operations = [migrations.RunSQL(CREATE, DROP)]
