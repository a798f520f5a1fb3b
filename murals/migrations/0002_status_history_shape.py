"""The mural history in the one history shape (core.models.StatusChange): `created_at` set when written,
status fields as wide as every workflow's, an empty `from` for the first line of the register."""

from django.db import migrations, models

CHOICES = [('planned', 'planned'), ('approved_by_conservator', 'approved by the monuments conservator'), ('being_painted', 'being painted'), ('completed', 'completed'), ('needs_maintenance', 'needs maintenance'), ('removed', 'removed')]


class Migration(migrations.Migration):

    dependencies = [
        ("murals", "0001_initial"),
    ]

    operations = [
        migrations.AlterField("muralstatuschange", "from_status", models.CharField(
            blank=True, choices=CHOICES, max_length=30, verbose_name="from")),
        migrations.AlterField("muralstatuschange", "to_status", models.CharField(
            choices=CHOICES, max_length=30, verbose_name="to")),
        migrations.AlterField("muralstatuschange", "created_at", models.DateTimeField(
            auto_now_add=True, db_index=True, verbose_name="when")),
        migrations.AlterField("muralstatuschange", "note", models.TextField(blank=True, verbose_name="reason")),
    ]
