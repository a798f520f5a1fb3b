from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
        # Votes are audited for voiding; paper ballots have their own audit trail.
        auditlog.register(models.Vote, include_fields=["voided_at", "voided_by", "void_reason"])
        auditlog.register(models.PaperBallotBatch)
        gdpr.register("contests", exporter=export, eraser=erase)
