"""Celery tasks of the gardens app: e-mail on every status change, the staff's daily digest, end-of-permit reminders.

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
    return {"digests": send_digests(), "reminders": send_end_reminders()}


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
