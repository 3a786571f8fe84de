"""The table of the "shared" cache (settings.CACHES without Redis; sscregistry/derived.py).

The schema is the one `manage.py createcachetable` creates for Django's DatabaseCache. It is made
here, whatever the cache settings are at migration time, so that every database has it.
"""

from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS registry_cache (
    cache_key varchar(255) NOT NULL PRIMARY KEY,
    value text NOT NULL,
    expires timestamp with time zone NOT NULL
);
CREATE INDEX IF NOT EXISTS registry_cache_expires ON registry_cache (expires);
"""


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0011_search_words")]

    operations = [migrations.RunSQL(CREATE, reverse_sql="DROP TABLE IF EXISTS registry_cache")]
