"""Personal data per app, for the right of access (export) and the right to erasure.

Each app that stores personal data registers an exporter and an eraser in its AppConfig.ready().
Erasure keeps anonymous figures (counts of uses, votes) and removes what identifies a person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

Exporter = Callable[[Any], dict[str, Any]]
Eraser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def register(section: str, *, exporter: Exporter, eraser: Eraser) -> None:
    """Register how one app exports and erases one user's personal data."""
    _exporters[section] = exporter
    _erasers[section] = eraser


def export_personal_data(user: Any) -> dict[str, Any]:
    """Everything the portal holds about the user, as JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "language": user.language,
        },
        "exported_at": timezone.now().isoformat(),
    }
    for section, exporter in _exporters.items():
        data[section] = exporter(user)
    return data


@transaction.atomic
def erase_personal_data(*, user: Any) -> None:
    """Erase the user's personal data in every app, then anonymise and deactivate the account itself.

    The user row stays (anonymous) so that history rows pointing to it (checks, votes) keep their counts.
    """
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    for eraser in _erasers.values():
        eraser(user)
    user.email = f"erased-{user.pk}@invalid.invalid"
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.is_staff = False
    user.email_verified_at = None
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.memberships.all().delete()
    user.staff_centres.clear()
    from auditlog.models import LogEntry
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    # The audit trail stays (who changed what), without the person's name, address or IP address.
    LogEntry.objects.get_for_object(user).update(object_repr=str(user), changes_text="", changes=None,
                                                 serialized_data=None)
    LogEntry.objects.filter(actor=user).update(remote_addr=None, remote_port=None, actor_email=None)
