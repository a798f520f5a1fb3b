# The e-mail ledger moved from the `portal` app to `core`: the table stays, only Django's state moves.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SentNotification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("key", models.CharField(max_length=200, unique=True, verbose_name="key")),
                        ("recipient", models.EmailField(max_length=254, verbose_name="recipient")),
                        ("subject", models.CharField(max_length=250, verbose_name="subject")),
                        ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="sent at")),
                    ],
                    options={
                        "verbose_name": "sent notification",
                        "verbose_name_plural": "sent notifications",
                        "ordering": ["-sent_at"],
                        "db_table": "portal_sentnotification",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
