"""Cross-cutting records: the ledger of sent notifications that makes e-mail tasks idempotent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentNotification(models.Model):
    """One row per notification ever sent; its unique key is what makes a re-run send nothing twice."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=250)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"


class StatusChange(models.Model):
    """The one shape of a workflow's history row (core.workflow): from what to what, who, when and why.

    Each workflow's history model subclasses this and adds the foreign key to its subject (and the choices of
    its status field); rows are written only by `Workflow.move` and never edited.
    """

    from_status = models.CharField(_("from"), max_length=30, blank=True)
    to_status = models.CharField(_("to"), max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    note = models.TextField(_("reason"), blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]


from .security import SecurityEvent  # noqa: E402  (the security log lives in core.security)

__all__ = ["SecurityEvent", "SentNotification", "StatusChange"]
