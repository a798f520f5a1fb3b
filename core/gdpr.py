"""Personal data per app, for the right of access (export) and the right to erasure (GDPR Art. 15, 17).

Two registries, both filled by each app (in AppConfig.ready() or its autodiscovered `personal_data.py`):
- `register_fields("loyalty.Card", user_field="holder", fields=("first_name", ...), files=("photo",))`: the
  model's personal fields. Export lists every one of them; erasure blanks them with `save()` (so the audit log
  sees the change), deletes the listed files from storage, then scrubs the audit log's entries of those objects.
- `register(section, exporter=..., eraser=...)`: whatever else an app does (unlinking history rows, revoking).
Erasure keeps anonymous figures (checks, votes, permits) and removes what identifies a person: the e-mail
ledger's address, failed log-in records naming the address, the person's sessions and tokens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

Exporter = Callable[[Any], dict[str, Any]]
Eraser = Callable[[Any], None]

_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}

ERASED = "[erased]"


@dataclass(frozen=True)
class PersonalFields:
    model: str  # "app_label.ModelName"
    user_field: str  # path from the model to the person ("pk" for the user model itself)
    fields: tuple[str, ...]
    files: tuple[str, ...] = ()

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def rows(self, user: Any) -> models.QuerySet:
        lookup = "pk" if self.user_field == "pk" else self.user_field
        return self.get_model()._default_manager.filter(**{lookup: user.pk}).order_by("pk")


_fields: dict[str, PersonalFields] = {}


def register(section: str, *, exporter: Exporter, eraser: Eraser) -> None:
    """Register how one app exports and erases one user's personal data."""
    _exporters[section] = exporter
    _erasers[section] = eraser


def register_fields(model: str, *, user_field: str, fields: tuple[str, ...] | list[str],
                    files: tuple[str, ...] | list[str] = ()) -> None:
    """Declare the personal fields (and files) of a model, reached from the person by `user_field`."""
    _fields[f"{model}:{user_field}"] = PersonalFields(model=model, user_field=user_field, fields=tuple(fields),
                                                      files=tuple(files))


def personal_field_specs() -> list[PersonalFields]:
    return list(_fields.values())


def _value(obj: models.Model, name: str) -> Any:
    value = getattr(obj, name)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_personal_data(user: Any) -> dict[str, Any]:
    """Everything the portal holds about the user, as JSON-ready data."""
    data: dict[str, Any] = {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": getattr(user, "phone", ""),
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            "language": user.language,
        },
        "exported_at": timezone.now().isoformat(),
    }
    personal: dict[str, list[dict[str, Any]]] = {}
    for spec in _fields.values():
        rows = [{"id": obj.pk, **{name: _value(obj, name) for name in spec.fields + spec.files}}
                for obj in spec.rows(user)]
        if rows:
            personal.setdefault(spec.model, []).extend(rows)
    data["personal_fields"] = personal
    for section, exporter in _exporters.items():
        data[section] = exporter(user)
    return data


def _blank(field: models.Field) -> Any:
    if field.null:
        return None
    if isinstance(field, models.EmailField):
        return ""
    return ""


def _erase_registered(user: Any) -> tuple[list[models.Model], set[str], set[str]]:
    """Blank every registered personal field through save(); returns the objects touched, the values seen
    (to find them elsewhere) and the e-mail addresses among them."""
    touched: list[models.Model] = []
    values: set[str] = set()
    emails: set[str] = {user.email}
    User = get_user_model()
    for spec in _fields.values():
        model = spec.get_model()
        if model is User:
            continue  # the account itself is anonymised last, below
        for obj in spec.rows(user).select_for_update():
            changed: list[str] = []
            for name in spec.fields:
                field = model._meta.get_field(name)
                current = getattr(obj, name)
                if current in (None, ""):
                    continue
                values.add(str(current))
                if isinstance(field, models.EmailField):
                    emails.add(str(current))
                setattr(obj, name, _blank(field))
                changed.append(name)
            for name in spec.files:
                file = getattr(obj, name)
                if file:
                    file.storage.delete(file.name)
                    setattr(obj, name, None if model._meta.get_field(name).null else "")
                    changed.append(name)
            if changed:
                obj.save(update_fields=changed)
                touched.append(obj)
    return touched, values, emails


def _scrub_audit_log(objects: list[models.Model], user: Any) -> None:
    from auditlog.models import LogEntry
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.contrib.contenttypes.models import ContentType

    by_model: dict[type[models.Model], list[Any]] = {}
    for obj in [*objects, user]:
        by_model.setdefault(type(obj), []).append(obj.pk)
    for model, pks in by_model.items():
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        concrete = ContentType.objects.get_for_model(model)
        for ct in {content_type.pk, concrete.pk}:
            keys = [str(pk) for pk in pks]
            LogEntry.objects.filter(content_type_id=ct, object_pk__in=keys).update(
                object_repr=ERASED, changes_text="", changes=None, serialized_data=None)
            AdminLogEntry.objects.filter(content_type_id=ct, object_id__in=keys).update(
                object_repr=ERASED, change_message="")
    LogEntry.objects.filter(actor=user).update(remote_addr=None, remote_port=None, actor_email=None)


def _scrub_named_entries(names: set[str]) -> None:
    """Entries of other objects whose text names the person (a membership's "Anna Nowak · Café"): scrubbed."""
    from auditlog.models import LogEntry
    from django.db.models import Q

    query = Q(pk__in=[])
    for name in names:
        if len(name) >= 5:
            query |= Q(object_repr__icontains=name) | Q(changes_text__icontains=name)
    LogEntry.objects.filter(query).update(object_repr=ERASED, changes_text="", changes=None, serialized_data=None)


@transaction.atomic
def erase_personal_data(*, user: Any) -> None:
    """Erase the user's personal data in every app, then anonymise and deactivate the account itself.

    The user row stays (anonymous) so that history rows pointing to it (checks, votes) keep their counts.
    """
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    names = {v for v in (user.get_full_name(), user.email) if v}
    touched, _values, emails = _erase_registered(user)
    memberships = list(user.memberships.all()) if hasattr(user, "memberships") else []
    for eraser in _erasers.values():
        eraser(user)
    user._erasing = True
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
    from rest_framework.authtoken.models import Token

    from .models import SentNotification
    from .security import SecurityEvent

    Token.objects.filter(user=user).delete()
    # The audit trail stays (who changed what), without the person's name, address or IP address.
    _scrub_audit_log([*touched, *memberships], user)
    _scrub_named_entries(names | emails)
    # The e-mail ledger keeps its keys (so nothing is sent twice) but not the address or a subject naming them.
    ledger = SentNotification.objects.filter(recipient__in=emails)
    ledger.update(recipient=user.email, subject=ERASED)
    SecurityEvent.objects.filter(attempted__in=emails).update(attempted=ERASED)
    SecurityEvent.objects.filter(user=user).update(attempted="", ip_address=None)
    try:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username__in=emails).delete()
    except ImportError:  # pragma: no cover - django-axes is a dependency
        pass
    _end_sessions(user)


def _end_sessions(user: Any) -> None:
    """Delete the person's sessions (those the portal tracks in centres' session list, if any)."""
    for hook in _session_enders:
        hook(user)


_session_enders: list[Callable[[Any], None]] = []


def register_session_ender(hook: Callable[[Any], None]) -> None:
    _session_enders.append(hook)
