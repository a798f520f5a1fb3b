import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_rename_table"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[
                    ("login", "log-in"), ("login_failed", "failed log-in"),
                    ("locked_out", "log-in refused after too many failures"), ("logout", "log-out"),
                    ("password_changed", "password changed"), ("email_changed", "e-mail address changed"),
                    ("token_created", "API token created"), ("token_deleted", "API tokens ended"),
                    ("session_ended", "session ended"), ("password_reset_requested", "password reset requested"),
                    ("password_reset_throttled", "password reset refused (too many)"),
                    ("admin_action", "office action on a person"), ("enumeration", "suspected enumeration")],
                    db_index=True, max_length=30, verbose_name="kind")),
                ("attempted", models.CharField(blank=True, max_length=254, verbose_name="attempted account")),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True, verbose_name="address")),
                ("path", models.CharField(blank=True, max_length=200, verbose_name="path")),
                ("detail", models.CharField(blank=True, max_length=300, verbose_name="detail")),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                                    verbose_name="when")),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                            related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="acted by")),
                ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                           related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="person")),
            ],
            options={
                "verbose_name": "security event",
                "verbose_name_plural": "security log",
                "ordering": ["-created_at"],
            },
        ),
    ]
