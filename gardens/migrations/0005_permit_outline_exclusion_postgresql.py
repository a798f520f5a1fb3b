"""On PostgreSQL, the database itself refuses two approved permits whose gardens overlap for a common day.

No PostGIS here: PostgreSQL's native `polygon` type and GiST (both built in, no extension) carry an exclusion
constraint on a column Django does not manage, `outline_inset`: the outline in metres on one parallel, inset by
5 cm (gardens that only touch do not conflict), written by `gardens.services` at approval. The constraint holds
only for approved rows, so a revoked permit frees its place. On other engines (SQLite in tests) nothing is done;
`gardens.services.place_conflicts` is the primary check everywhere.
"""

from django.db import IntegrityError, migrations, transaction

CONSTRAINT = "gardens_app_no_overlapping_permits"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from gardens.geometry import db_polygon  # pure geometry, no models

    table = "gardens_gardenapplication"
    run = schema_editor.execute
    run(f"ALTER TABLE {table} ADD COLUMN outline_inset polygon NULL")
    run(f"ALTER TABLE {table} ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist ("
        f"outline_inset WITH &&, daterange(period_start, period_end, '[]') WITH &&) "
        f"WHERE (status = 'approved')")
    Application = apps.get_model("gardens", "GardenApplication")
    approved = Application.objects.filter(status="approved", outline__isnull=False).order_by("decided_at", "pk")
    with schema_editor.connection.cursor() as cursor:
        for pk, outline in approved.values_list("pk", "outline").iterator():
            literal = db_polygon(outline)
            if literal is None:
                continue
            try:
                with transaction.atomic(using=schema_editor.connection.alias):
                    cursor.execute(f"UPDATE {table} SET outline_inset = %s::polygon WHERE id = %s",  # noqa: S608
                                   [literal, pk])
            except IntegrityError:
                pass  # a conflict approved before this check existed: the office's conflict list still shows it


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE gardens_gardenapplication DROP CONSTRAINT IF EXISTS {CONSTRAINT}")
    schema_editor.execute("ALTER TABLE gardens_gardenapplication DROP COLUMN IF EXISTS outline_inset")


class Migration(migrations.Migration):

    dependencies = [
        ("gardens", "0004_outline_rules_permit_document_payments"),
    ]

    operations = [
        migrations.RunPython(add_constraint, drop_constraint),
    ]
