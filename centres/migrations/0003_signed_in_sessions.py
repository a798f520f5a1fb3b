import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("centres", "0002_feerate_no_overlap_postgres"),
    ]

    operations = [
        migrations.CreateModel(
            name="SignedInSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("session_key", models.CharField(max_length=64, unique=True, verbose_name="session key")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="address")),
                ("user_agent", models.CharField(blank=True, max_length=200, verbose_name="browser")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="signed in at")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="signed_in_sessions", to=settings.AUTH_USER_MODEL,
                                           verbose_name="user")),
            ],
            options={
                "verbose_name": "signed-in session",
                "verbose_name_plural": "signed-in sessions",
                "ordering": ["-created_at"],
            },
        ),
    ]
