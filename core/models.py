"""Cross-cutting records: the ledger of sent notifications that makes e-mail tasks idempotent."""

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
