"""History rows take the one shape of core.models.StatusChange: `at` becomes `created_at` (data kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("gardens", "0002_fee_precision")]

    operations = [
        migrations.RenameField(model_name="applicationhistory", old_name="at", new_name="created_at"),
    ]
