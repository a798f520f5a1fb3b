"""Background jobs of the contest engine: phase openings and closings by date, and entrants' e-mails."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.notifications import render_mail, send_once
from core.tasks import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def sync_phases() -> dict[str, int]:
    """Record when each phase opened and closed by its dates (or an early close). Idempotent: a phase's opening
    and closing are recorded once, by conditional updates that a second run finds nothing to do for."""
    from .models import Phase

    now = timezone.now()
    opened = (Phase.objects.filter(opened_at__isnull=True, starts_at__lte=now)
              .update(opened_at=now))
    closed = (Phase.objects.filter(closed_at__isnull=True)
              .filter(Q(ends_at__lte=now) | Q(closed_early_at__lte=now))
              .update(closed_at=now))
    return {"opened": opened, "closed": closed}


@shared_task(**RETRY_POLICY)
def notify_entry_status(change_id: int) -> int:
    """E-mail the entrant (and, for a garden, the business's contact address) that the entry's status changed;
    once per change and recipient. Returns how many e-mails went out."""
    from .models import EntryStatusChange

    change = (EntryStatusChange.objects
              .select_related("entry__contest__centre", "entry__submitted_by", "entry__garden__business")
              .filter(pk=change_id).first())
    if change is None:
        return 0
    entry = change.entry
    link = settings.SITE_URL + reverse("contests:contest-detail", args=[entry.contest_id])
    recipients: list[tuple[str, str, str]] = []  # (address, language, name)
    user = entry.submitted_by
    if user is not None and user.is_active and user.email:
        recipients.append((user.email, user.language, user.first_name))
    if entry.garden is not None and entry.garden.business.email:
        recipients.append((entry.garden.business.email, "pl", entry.garden.business.name))
    sent = 0
    for address, language, name in dict.fromkeys(recipients):
        with translation.override(language):
            status = change.get_to_status_display()
            subject = _("Your entry “%(title)s”: %(status)s") % {"title": entry.title, "status": status}
            body = render_mail("contests/email/entry_status.txt",
                               {"name": name, "entry": entry, "change": change, "status": status, "link": link},
                               language=language)
        sent += send_once(key=f"contests:entry-status:{change.pk}:{address}", to=address, subject=subject,
                          body=body, language=language)
    return sent
