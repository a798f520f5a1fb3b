"""Sending e-mail exactly once per event, whatever the number of task runs or retries."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import SentNotification


def send_once(*, key: str, to: str, subject: str, body: str, language: str = "pl") -> bool:
    """Send an e-mail unless one with this key was already sent. Returns True when it sent.

    The ledger row and the sending share one transaction: if the mail server fails, the row is rolled back
    and the calling task's retry sends it again; if the row exists, nothing is sent.
    """
    if not to:
        return False
    try:
        with transaction.atomic():
            SentNotification.objects.create(key=key[:200], recipient=to, subject=subject[:250])
            with translation.override(language):
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    except IntegrityError:
        return False
    return True


def render_mail(template: str, context: dict, *, language: str = "pl") -> str:
    """Render an e-mail body template in the recipient's language."""
    with translation.override(language):
        return render_to_string(template, {"site_url": settings.SITE_URL, **context})
