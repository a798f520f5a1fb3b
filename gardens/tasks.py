"""Celery tasks of the gardens app: e-mail on every status change, the staff's daily digest, end-of-permit and
payment reminders, the surcharge notice after an inspection.

Every e-mail goes through `send_once` with a key naming the event, so re-runs and retries send nothing twice.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.notifications import render_mail, send_once
from core.tasks import RETRY_POLICY

REMINDER_DAYS = 14


def _business_recipients(business) -> list[tuple[str, str]]:
    """(address, language) of the business's contact e-mail and its owners and managers, without duplicates."""
    from centres.models import BusinessMembership

    seen: dict[str, str] = {}
    if business.email:
        seen[business.email.lower()] = "pl"
    for membership in (BusinessMembership.objects.filter(business=business, role__in=BusinessMembership.MANAGING_ROLES,
                                                         user__is_active=True).select_related("user")):
        seen[membership.user.email.lower()] = membership.user.language or "pl"
    return list(seen.items())


@shared_task(**RETRY_POLICY)
def notify_status_change(application_id: int, history_id: int) -> int:
    """Tell the business about a move of its application (once per history entry and recipient)."""
    from .models import ApplicationHistory

    entry = (ApplicationHistory.objects.select_related("application", "application__business",
                                                       "application__season__centre")
             .filter(pk=history_id, application_id=application_id).first())
    if entry is None:
        return 0
    application = entry.application
    link = settings.SITE_URL + reverse("gardens:application-detail", args=[application.pk])
    sent = 0
    for address, language in _business_recipients(application.business):
        with translation.override(language):
            subject = _("Café garden: your application is now “%(status)s”") % {
                "status": application.Status(entry.to_status).label}
        body = render_mail("gardens/email/status_change.txt",
                           {"application": application, "entry": entry, "link": link}, language=language)
        sent += send_once(key=f"gardens:status:{history_id}:{address}", to=address, subject=subject, body=body,
                          language=language)
    return sent


@shared_task(**RETRY_POLICY)
def daily() -> dict[str, int]:
    """Each morning: the digest of waiting applications to each centre's staff; reminders before permits end."""
    return {"digests": send_digests(), "reminders": send_end_reminders(), "payments": send_payment_reminders()}


def send_digests(on: dt.date | None = None) -> int:
    from centres.models import Centre
    from centres.selectors import today

    from .selectors import waiting_applications

    day = on or today()
    sent = 0
    for centre in Centre.objects.filter(is_active=True):
        waiting = list(waiting_applications(centre=centre))
        if not waiting:
            continue
        for user in centre.staff.filter(is_active=True, is_staff=True):
            language = user.language or "pl"
            with translation.override(language):
                subject = _("Café gardens: %(count)s applications wait for review") % {"count": len(waiting)}
            body = render_mail("gardens/email/digest.txt",
                               {"centre": centre, "applications": waiting,
                                "admin_link": settings.SITE_URL + reverse("admin:gardens_gardenapplication_changelist")},
                               language=language)
            sent += send_once(key=f"gardens:digest:{centre.pk}:{day.isoformat()}:{user.pk}", to=user.email,
                              subject=subject, body=body, language=language)
    return sent


def send_end_reminders(on: dt.date | None = None) -> int:
    """Permits ending within 14 days get one reminder (a missed day still reminds, never twice)."""
    from centres.selectors import today

    from .selectors import permits_ending_between

    day = on or today()
    sent = 0
    for permit in permits_ending_between(start=day, end=day + dt.timedelta(days=REMINDER_DAYS)):
        link = settings.SITE_URL + reverse("gardens:application-detail", args=[permit.pk])
        for address, language in _business_recipients(permit.business):
            with translation.override(language):
                subject = _("Café garden: your permit %(number)s ends soon") % {"number": permit.permit_number}
            body = render_mail("gardens/email/ending.txt", {"permit": permit, "link": link}, language=language)
            sent += send_once(key=f"gardens:ending:{permit.pk}:{permit.period_end.isoformat()}:{address}",
                              to=address, subject=subject, body=body, language=language)
    return sent


@shared_task(**RETRY_POLICY)
def notify_surcharge(entry_id: int) -> int:
    """Tell the business that an inspection found greenery missing and what it adds to the fee (once per line)."""
    from .models import AccountEntry

    entry = (AccountEntry.objects.select_related("account", "account__application",
                                                 "account__application__business").filter(pk=entry_id).first())
    if entry is None:
        return 0
    permit = entry.account.application
    link = settings.SITE_URL + reverse("gardens:application-detail", args=[permit.pk])
    sent = 0
    for address, language in _business_recipients(permit.business):
        with translation.override(language):
            subject = _("Café garden %(number)s: a surcharge after the inspection") % {"number": permit.permit_number}
        body = render_mail("gardens/email/surcharge.txt", {"permit": permit, "entry": entry, "link": link},
                           language=language)
        sent += send_once(key=f"gardens:surcharge:{entry.pk}:{address}", to=address, subject=subject, body=body,
                          language=language)
    return sent


PAYMENT_REMINDER_DAYS = 3


def send_payment_reminders(on: dt.date | None = None) -> int:
    """Fees still owed: one reminder a few days before the due date, one once it has passed (never twice)."""
    from core.dates import today

    from .payments import account_state
    from .selectors import open_payment_accounts

    day = on or today()
    sent = 0
    for account in open_payment_accounts(before=day + dt.timedelta(days=PAYMENT_REMINDER_DAYS)):
        state = account_state(account, on=day)
        if state.balance <= 0:
            continue
        stage = "overdue" if state.overdue else "due"
        permit = account.application
        link = settings.SITE_URL + reverse("gardens:application-detail", args=[permit.pk])
        for address, language in _business_recipients(permit.business):
            with translation.override(language):
                subject = (_("Café garden %(number)s: the fee is overdue") if state.overdue
                           else _("Café garden %(number)s: the fee is due soon")) % {"number": permit.permit_number}
            body = render_mail("gardens/email/payment_reminder.txt",
                               {"permit": permit, "account": account, "state": state, "link": link},
                               language=language)
            sent += send_once(key=f"gardens:payment:{account.pk}:{stage}:{account.due_date.isoformat()}:{address}",
                              to=address, subject=subject, body=body, language=language)
    return sent
