"""The security log: log-ins, failed log-ins, log-outs, password and e-mail changes, tokens, password resets and
office actions on people. Visible to superusers in the admin, kept settings.SECURITY_LOG_RETENTION_DAYS days
(core.tasks.clean_security_log). Also where a password or e-mail change ends the person's API tokens.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .net import client_ip


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("log-in")
        LOGIN_FAILED = "login_failed", _("failed log-in")
        LOCKED_OUT = "locked_out", _("log-in refused after too many failures")
        LOGOUT = "logout", _("log-out")
        PASSWORD_CHANGED = "password_changed", _("password changed")
        EMAIL_CHANGED = "email_changed", _("e-mail address changed")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_DELETED = "token_deleted", _("API tokens ended")
        SESSION_ENDED = "session_ended", _("session ended")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")
        PASSWORD_RESET_THROTTLED = "password_reset_throttled", _("password reset refused (too many)")
        ADMIN_ACTION = "admin_action", _("office action on a person")
        ENUMERATION = "enumeration", _("suspected enumeration")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("person"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("acted by"))
    # What was typed as the user name on a failed log-in: it may be no account at all.
    attempted = models.CharField(_("attempted account"), max_length=254, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        app_label = "core"
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"


def record(kind: str, *, request: Any = None, user: Any = None, actor: Any = None, attempted: str = "",
           detail: str = "") -> SecurityEvent:
    ip = client_ip(request) if request is not None else None
    path = getattr(request, "path", "")[:200] if request is not None else ""
    if user is not None and not getattr(user, "pk", None):
        user = None
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor = None
    return SecurityEvent.objects.create(kind=kind, user=user, actor=actor, attempted=(attempted or "")[:254],
                                        ip_address=ip or None, path=path, detail=(detail or "")[:300])


def attempted_username(request: Any, credentials: dict | None) -> str | None:
    """The account a log-in attempt names (django-axes' AXES_USERNAME_CALLABLE), lower-cased."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None and hasattr(request, "POST"):
        value = request.POST.get("username") or request.POST.get("email")
    return str(value).strip().lower()[:254] if value else None


def login_cool_off(request: Any = None) -> timedelta:
    """django-axes' cool-off (AXES_COOLOFF_TIME), growing with the failures of one account from one address:
    the lock after settings.AXES_FAILURE_LIMIT failures lasts the base time, and each further failure during or
    after it doubles the wait (base × 2ⁿ, at most a day). Another address is never affected."""
    base = timedelta(minutes=settings.AXES_COOLOFF_MINUTES)
    if request is None:
        return base
    from axes.models import AccessAttempt
    from django.db.models import Max

    username = getattr(request, "axes_username", None) or attempted_username(request, None)
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    if not username or not ip:
        return base
    failures = (AccessAttempt.objects.filter(username=username, ip_address=ip)
                .aggregate(n=Max("failures_since_start"))["n"] or 0)
    extra = max(0, failures - settings.AXES_FAILURE_LIMIT)
    return min(base * (2 ** min(extra, 20)), timedelta(days=1))


def clean_old_events(*, now=None) -> int:
    limit = (now or timezone.now()) - timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    deleted, _ = SecurityEvent.objects.filter(created_at__lt=limit).delete()
    return deleted


# --- Signal handlers (connected in core.apps) ----------------------------------------------------------------

def on_logged_in(sender, request, user, **kwargs) -> None:
    record(SecurityEvent.Kind.LOGIN, request=request, user=user, actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    locked = bool(getattr(request, "axes_locked_out", False))
    record(SecurityEvent.Kind.LOCKED_OUT if locked else SecurityEvent.Kind.LOGIN_FAILED, request=request,
           attempted=attempted_username(request, credentials) or "")


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is None:
        return
    from rest_framework.authtoken.models import Token

    deleted, _ = Token.objects.filter(user=user).delete()
    record(SecurityEvent.Kind.LOGOUT, request=request, user=user, actor=user,
           detail=f"tokens ended: {deleted}" if deleted else "")


def on_user_pre_save(sender, instance, **kwargs) -> None:
    """A changed password or e-mail ends every API token of the person, and is logged."""
    if not instance.pk or kwargs.get("raw"):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "email").first()
    if before is None:
        return
    from rest_framework.authtoken.models import Token

    if before["password"] != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()
        if not getattr(instance, "_erasing", False):
            record(SecurityEvent.Kind.PASSWORD_CHANGED, user=instance)
    if before["email"] != instance.email and not getattr(instance, "_erasing", False):
        Token.objects.filter(user_id=instance.pk).delete()
        record(SecurityEvent.Kind.EMAIL_CHANGED, user=instance)


from axes.backends import AxesStandaloneBackend  # noqa: E402


class LoginGuardBackend(AxesStandaloneBackend):
    """django-axes' check, for every authentication that comes with a request (the log-in page, the token
    endpoint). Code that authenticates without one (the test client, a shell) is not a guessing channel."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
