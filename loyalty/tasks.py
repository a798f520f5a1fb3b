"""Daily jobs of the programme and its e-mails. Each is idempotent: e-mail goes through `send_once`."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from centres.selectors import today
from core.notifications import render_mail, send_once
from core.tasks import RETRY_POLICY

from .models import Card


@shared_task(**RETRY_POLICY)
def daily() -> dict:
    """Mark cards whose validity has ended as expired, then remind holders whose card expires soon."""
    return {"expired": expire_cards(), "reminded": send_expiry_reminders()}


def expire_cards() -> int:
    from . import services

    day = today()
    count = 0
    for card in Card.objects.filter(status__in=[Card.Status.ACTIVE, Card.Status.SUSPENDED], valid_until__lt=day):
        services.expire_card(card=card)
        count += 1
    return count


def send_expiry_reminders() -> int:
    """One e-mail per card and validity period, `reminder_days` (30 by default) before the end; a missed day is
    caught up the next day, and running the job twice sends nothing twice."""
    from .models import ProgrammeSettings

    day = today()
    per_centre = dict(ProgrammeSettings.objects.values_list("centre_id", "reminder_days"))
    longest = max([30, *per_centre.values()])
    sent = 0
    cards = (Card.objects.filter(status=Card.Status.ACTIVE, valid_until__gte=day,
                                 valid_until__lte=day + dt.timedelta(days=longest))
             .select_related("centre", "holder"))
    for card in cards:
        if card.valid_until > day + dt.timedelta(days=per_centre.get(card.centre_id, 30)):
            continue
        if _mail(card, event=f"expiry-reminder:{card.valid_until.isoformat()}",
                 subject=_("Your Moja Starówka card expires on %(date)s"),
                 template="loyalty/email/expiry_reminder.txt"):
            sent += 1
    return sent


@shared_task(**RETRY_POLICY)
def send_activation_email(card_id: int) -> bool:
    card = Card.objects.select_related("centre", "holder").filter(pk=card_id, status=Card.Status.ACTIVE).first()
    if card is None:
        return False
    return _mail(card, event="activated", subject=_("Your Moja Starówka card is active"),
                 template="loyalty/email/activated.txt")


def _mail(card: Card, *, event: str, subject: str, template: str) -> bool:
    language = card.holder.language or "pl"
    to = card.email or card.holder.email
    if not to or card.holder.erased_at is not None:
        return False
    with override(language):
        subject_text = subject % {"date": card.valid_until.isoformat() if card.valid_until else ""}
        my_card = reverse("loyalty:my-card")
    body = render_mail(template, {"card": card, "my_card_path": my_card}, language=language)
    return send_once(key=f"loyalty:card:{card.pk}:{event}", to=to, subject=subject_text, body=body,
                     language=language)
