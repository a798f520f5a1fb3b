from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from core.notifications import render_mail, send_once
from core.tasks import RETRY_POLICY

EMAIL_VERIFY_SALT = "centres.email-verify"


def email_verification_token(user) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_VERIFY_SALT)


@shared_task(**RETRY_POLICY)
def send_email_verification(user_id: int) -> bool:
    """Send the sign-up link that confirms the address; once per user and address."""
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.email_verified:
        return False
    link = settings.SITE_URL + reverse("verify-email", args=[email_verification_token(user)])
    body = render_mail("centres/email/verify_email.txt", {"user": user, "link": link}, language=user.language)
    from django.utils import translation

    with translation.override(user.language):
        subject = _("Confirm your e-mail address")
    return send_once(key=f"verify-email:{user.pk}:{user.email}", to=user.email, subject=subject, body=body,
                     language=user.language)


@shared_task
def ping(token: str) -> str:
    """Writes the token to the cache: the CI test's proof that a real worker ran a task it was sent."""
    from django.core.cache import cache

    cache.set(f"ping:{token}", "pong", 300)
    return token
