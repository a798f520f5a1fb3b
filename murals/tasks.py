"""Background jobs of the mural register: telling the sponsor businesses when their mural's status changes."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.notifications import render_mail, send_once
from core.tasks import RETRY_POLICY


@shared_task(**RETRY_POLICY)
def notify_status_change(change_id: int) -> int:
    """E-mail each sponsor business of the mural about a status change; once per change and business."""
    from .models import MuralStatusChange

    change = (MuralStatusChange.objects.select_related("mural__centre").prefetch_related("mural__sponsors")
              .filter(pk=change_id).first())
    if change is None:
        return 0
    mural = change.mural
    link = settings.SITE_URL + reverse("murals:mural-detail", args=[mural.pk])
    sent = 0
    for business in mural.sponsors.all():
        if not business.email:
            continue
        with translation.override("pl"):
            status = change.get_to_status_display()
            subject = _("Mural “%(title)s”: %(status)s") % {"title": mural.title, "status": status}
            body = render_mail("murals/email/status_change.txt",
                               {"business": business, "mural": mural, "change": change, "status": status,
                                "link": link}, language="pl")
        sent += send_once(key=f"murals:status:{change.pk}:business:{business.pk}", to=business.email,
                          subject=subject, body=body, language="pl")
    return sent
