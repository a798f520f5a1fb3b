from auditlog.signals import pre_log
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def audit_vote_changes_only(sender, instance, action, **kwargs) -> bool:
    """No audit-log row for a cast vote: the vote row itself records who voted, for what and when, and a copy
    per vote (with the voter's address) would be more personal data to keep and erase, written on the busiest
    request of voting day. Voiding a vote is audited (and recorded as a ContestEvent with its reason)."""
    from auditlog.models import LogEntry

    return action != LogEntry.Action.CREATE


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Contests")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core import gdpr

        from . import models
        from .gdpr import erase, export

        for model in (models.Contest, models.Phase, models.Entry, models.VotingRound, models.RoundEntry,
                      models.Criterion, models.JuryMember, models.ConflictOfInterest, models.Score):
            auditlog.register(model)
        # Votes are audited for voiding (an office action) only: casting one writes no audit row (see
        # audit_vote_changes_only). Paper ballots have their own audit trail.
        auditlog.register(models.Vote, include_fields=["voided_at", "voided_by", "void_reason"])
        pre_log.connect(audit_vote_changes_only, sender=models.Vote, dispatch_uid="contests.vote_audit")
        auditlog.register(models.PaperBallotBatch)
        gdpr.register("contests", exporter=export, eraser=erase)
