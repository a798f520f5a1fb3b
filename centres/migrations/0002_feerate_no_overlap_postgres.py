"""On PostgreSQL, the database itself refuses two rates of one zone and use with overlapping periods.

SQLite (the newcomer's default) has no exclusion constraints; there the service's check is the guard.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE centres_feerate ADD CONSTRAINT feerate_no_overlap EXCLUDE USING gist (
    zone_id WITH =, use WITH =,
    daterange(valid_from, valid_to, '[]') WITH &&
);
"""
DROP = "ALTER TABLE centres_feerate DROP CONSTRAINT IF EXISTS feerate_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("centres", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
