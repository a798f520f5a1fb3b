# The e-mail ledger now belongs to `core` (core/migrations/0001_initial.py): drop it from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0001_initial"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SentNotification")],
            database_operations=[],
        ),
    ]
