"""Where a person is signed in: sessions recorded at log-in, listed on the account page and ended there."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.db import transaction

from core.net import client_ip

from .models import SignedInSession, User


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def on_logged_in(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if not session.session_key:
        session.save()
    SignedInSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user": user, "ip_address": client_ip(request) or None,
                  "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]})


def on_logged_out(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        SignedInSession.objects.filter(session_key=session.session_key).delete()


def live_sessions(user: User) -> list[SignedInSession]:
    """The person's sessions that still exist in the session store (expired ones are dropped)."""
    store = _store()
    alive, dead = [], []
    for row in SignedInSession.objects.filter(user=user):
        (alive if store().exists(row.session_key) else dead).append(row)
    if dead:
        SignedInSession.objects.filter(pk__in=[r.pk for r in dead]).delete()
    return alive


@transaction.atomic
def end_session(*, user: User, session_id: int) -> bool:
    row = SignedInSession.objects.filter(user=user, pk=session_id).first()
    if row is None:
        return False
    _store()(session_key=row.session_key).delete()
    row.delete()
    return True


def end_all_sessions(user: User) -> None:
    store = _store()
    for row in SignedInSession.objects.filter(user=user):
        store(session_key=row.session_key).delete()
    SignedInSession.objects.filter(user=user).delete()
