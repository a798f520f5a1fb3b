"""The contest engine: contests with dated phases, entries and nominations, the commission (jury, criteria,
scores, conflicts of interest), public voting rounds with online votes and paper ballots, and results.

One engine serves every kind of contest; a kind's own rules (the green-garden contest needs a permitted garden
with three kinds of greenery) live in `contests.plugins`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import bilingual
from core.models import StatusChange

# The tie rule of each ranking method, as the results page states it.
TIE_RULES = {
    "public": _("Ties in the final ranking are broken by the commission's weighted mean score, then by the "
                "earlier submission; within a round, entries with the same number of votes share a place."),
    "commission": _("Entries with the same score are ranked by the earlier submission."),
    "weighted": _("Ties are broken by the commission's weighted mean score, then by the number of public votes "
                  "in the final round, then by the earlier submission."),
}
TIE_RULE = TIE_RULES["weighted"]
# The one completeness rule of the commission's scores (shown on the results page).
SCORING_RULE = _(
    "Every member of the commission without a conflict of interest scores every entry on every criterion before "
    "the results are published; an entry's score is the weighted mean of those scores on a scale of 0 to 100."
)


class Contest(models.Model):
    """A contest of a centre's office, run through dated phases."""

    class Kind(models.TextChoices):
        GREEN_GARDEN = "green_garden", _("green garden")
        MURAL_DESIGN = "mural_design", _("mural design")
        OTHER = "other", _("other")

    class RankingMethod(models.TextChoices):
        PUBLIC = "public", _("public vote only")
        COMMISSION = "commission", _("commission only")
        WEIGHTED = "weighted", _("weighted: public vote and commission")

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="contests",
                               verbose_name=_("centre"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(_("slug"), max_length=120)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("For the green-garden contest: the garden season whose permits may enter."),
    )
    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    rules_pl = models.TextField(_("rules (Polish)"), blank=True)
    rules_en = models.TextField(_("rules (English)"), blank=True)
    prizes_pl = models.TextField(_("prizes (Polish)"), blank=True)
    prizes_en = models.TextField(_("prizes (English)"), blank=True)
    ranking_method = models.CharField(_("ranking method"), max_length=20, choices=RankingMethod.choices,
                                      default=RankingMethod.PUBLIC)
    public_weight = models.PositiveSmallIntegerField(
        _("weight of the public vote (%)"), default=50, validators=[MaxValueValidator(100)],
        help_text=_("Used by the weighted method; the commission gets the rest."),
    )
    results_published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    results_published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                             blank=True, related_name="+", verbose_name=_("results published by"))
    correction_opened_at = models.DateTimeField(
        _("correction opened at"), null=True, blank=True,
        help_text=_("While a correction is open, votes may be voided and ballots entered; the public page keeps "
                    "showing the published figures until the results are republished."))
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-year", "title_pl"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "slug"], name="contest_unique_slug_per_centre",
                                    violation_error_message=_("A contest with this slug already exists.")),
            models.CheckConstraint(condition=Q(public_weight__lte=100), name="contest_public_weight_percent",
                                   violation_error_message=_("The weight is a percentage from 0 to 100.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return bilingual(self, "title")

    @property
    def rules(self) -> str:
        return bilingual(self, "rules")

    @property
    def prizes(self) -> str:
        return bilingual(self, "prizes")

    @property
    def tie_rule(self) -> str:
        return str(TIE_RULES.get(self.ranking_method, TIE_RULE))

    @property
    def uses_public_vote(self) -> bool:
        return self.ranking_method in (self.RankingMethod.PUBLIC, self.RankingMethod.WEIGHTED)

    @property
    def uses_commission(self) -> bool:
        return self.ranking_method in (self.RankingMethod.COMMISSION, self.RankingMethod.WEIGHTED)

    @property
    def counting_rule(self) -> str:
        """How the final ranking is counted, in one whole sentence that fits the contest's method."""
        if self.ranking_method == self.RankingMethod.COMMISSION:
            return str(_("The commission alone decides: entries are ranked by the commission's weighted mean "
                         "score."))
        if self.ranking_method == self.RankingMethod.WEIGHTED:
            return str(_("The final score is %(public)s%% the public vote (online and paper ballots in the final "
                         "round, scaled so that the most votes give 100 points) and %(commission)s%% the "
                         "commission's weighted mean score.")
                       % {"public": self.public_weight, "commission": 100 - self.public_weight})
        return str(_("The public vote alone decides: entries are ranked by their valid votes, online and on "
                     "paper, in the final round."))

    @property
    def scoring_rule(self) -> str:
        return str(SCORING_RULE)

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None

    @property
    def results_frozen(self) -> bool:
        """Published and no correction open: no vote may be voided, no ballot entered."""
        return self.results_published_at is not None and self.correction_opened_at is None

    def phase(self, kind: str) -> Phase | None:
        """The contest's phase of a kind (uses prefetched phases when there are some)."""
        for phase in self.phases.all():
            if phase.kind == kind:
                return phase
        return None

    def current_phase(self, now: dt.datetime | None = None) -> Phase | None:
        """The phase open now, by its dates or an early close; None between phases."""
        now = now or timezone.now()
        for phase in self.phases.all():
            if phase.is_open(now):
                return phase
        return None


class Phase(models.Model):
    """One dated phase of a contest. The dates decide; staff may close a phase early (recorded, not deleted)."""

    class Kind(models.TextChoices):
        ENTRIES = "entries", _("entries and nominations")
        REVIEW = "review", _("commission review and shortlist")
        VOTING = "voting", _("public vote")
        RESULTS = "results", _("results")

    ORDER = [Kind.ENTRIES, Kind.REVIEW, Kind.VOTING, Kind.RESULTS]

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="phases", verbose_name=_("contest"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, help_text=_("Empty means open-ended."))
    closed_early_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    closed_early_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name=_("closed early by"))
    opened_at = models.DateTimeField(_("opening recorded at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closing recorded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["contest", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "kind"], name="phase_one_per_kind",
                                    violation_error_message=_("The contest already has a phase of this kind.")),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                                   name="phase_dates_ordered",
                                   violation_error_message=_("A phase must end after it starts.")),
        ]

    def __str__(self) -> str:
        return f"{self.contest} · {self.get_kind_display()}"

    @property
    def effective_end(self) -> dt.datetime | None:
        """When the phase ends: its end date, or earlier when staff closed it early."""
        ends = [d for d in (self.ends_at, self.closed_early_at) if d is not None]
        return min(ends) if ends else None

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        end = self.effective_end
        return self.starts_at <= now and (end is None or now < end)

    def is_closed(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        end = self.effective_end
        return end is not None and now >= end


class Entry(models.Model):
    """An entry: a design submitted by an artist, or a garden nominated by one or more people (merged)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("entry status", "submitted")
        ELIGIBLE = "eligible", pgettext_lazy("entry status", "eligible")
        INELIGIBLE = "ineligible", pgettext_lazy("entry status", "ineligible")
        SHORTLISTED = "shortlisted", pgettext_lazy("entry status", "shortlisted")
        FINALIST = "finalist", pgettext_lazy("entry status", "finalist")
        WINNER = "winner", pgettext_lazy("entry status", "winner")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries", verbose_name=_("contest"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="contest_entries", verbose_name=_("submitted by"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    attachment = models.FileField(
        _("attachment (PDF)"), upload_to="contests/attachments/%Y/", blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    garden = models.ForeignKey(
        "gardens.GardenApplication", on_delete=models.PROTECT, null=True, blank=True, related_name="contest_entries",
        verbose_name=_("garden"), help_text=_("Green-garden contest: the garden's permit for the contest's season."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    ineligible_reason = models.TextField(_("reason for ineligibility"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["contest", "created_at", "pk"]
        constraints = [
            # Nominations of the same garden are merged into its one entry.
            models.UniqueConstraint(fields=["contest", "garden"], condition=Q(garden__isnull=False),
                                    name="entry_one_per_garden",
                                    violation_error_message=_("This garden is already entered in the contest.")),
            models.CheckConstraint(condition=~Q(status="ineligible") | ~Q(ineligible_reason=""),
                                   name="entry_ineligible_has_reason",
                                   violation_error_message=_("An ineligible entry needs a reason.")),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def first_image(self) -> EntryImage | None:
        images = list(self.images.all())
        return images[0] if images else None


class EntryImage(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="images", verbose_name=_("entry"))
    image = models.ImageField(_("image"), upload_to="contests/entries/%Y/")
    alt_text = models.CharField(_("alternative text"), max_length=250,
                                help_text=_("What the picture shows, for people who cannot see it."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("entry image")
        verbose_name_plural = _("entry images")
        ordering = ["entry", "position", "pk"]

    def __str__(self) -> str:
        return self.alt_text


class EntryStatusChange(StatusChange):
    """History of an entry's status (core.workflow): who moved it, when, and why."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="history", verbose_name=_("entry"))
    from_status = models.CharField(_("from"), max_length=30, choices=Entry.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=Entry.Status.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("entry status change")
        verbose_name_plural = _("entry status changes")
        ordering = ["entry", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class Nomination(models.Model):
    """One person's nomination of an entry (a garden). Several nominations of one garden share one entry."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("owner of the business")
        PROPERTY_OWNER = "property_owner", _("owner of the property")
        RESIDENT = "resident", _("resident")
        VISITOR = "visitor", _("visitor")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="nominations", verbose_name=_("entry"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="contest_nominations", verbose_name=_("nominated by"),
                             help_text=_("Empty once the person's data was erased; the nomination still counts."))
    relation = models.CharField(_("relation to the garden"), max_length=20, choices=Relation.choices,
                                default=Relation.RESIDENT)
    reason = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(_("nominated at"), default=timezone.now)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["entry", "created_at", "pk"]
        constraints = [
            # NULL users (erased) are distinct, so erased nominations keep counting.
            models.UniqueConstraint(fields=["entry", "user"], name="nomination_once_per_person",
                                    violation_error_message=_("You have already nominated this entry.")),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.user_id}"


# --- The commission ------------------------------------------------------------------------------------

class JuryMember(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="jury", verbose_name=_("contest"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jury_seats",
                             verbose_name=_("juror"))
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        verbose_name = _("jury member")
        verbose_name_plural = _("jury members")
        ordering = ["contest", "-is_chair", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="jury_member_once",
                                    violation_error_message=_("This person is already on the jury.")),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria",
                                verbose_name=_("contest"))
    name_pl = models.CharField(_("name (Polish)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=Decimal("1"),
                                 validators=[MinValueValidator(Decimal("0.01"))])
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10, validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["contest", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive",
                                   violation_error_message=_("The weight must be above zero.")),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="criterion_max_score_positive",
                                   violation_error_message=_("The maximum score must be at least 1.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return bilingual(self, "name")


class Score(models.Model):
    """One juror's score of one entry on one criterion: one only (the database refuses a second)."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="scores", verbose_name=_("juror"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scores", verbose_name=_("entry"))
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores",
                                  verbose_name=_("criterion"))
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0"))])
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("scored at"), default=timezone.now)
    excluded_reason = models.TextField(
        _("excluded because"), blank=True,
        help_text=_("Set when the office records a conflict of interest after the score was given: the score stays "
                    "on record but no longer counts."))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["entry", "criterion", "juror"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "entry", "criterion"], name="score_once_per_juror",
                                    violation_error_message=_("You have already scored this entry on this criterion.")),
            models.CheckConstraint(condition=Q(value__gte=0), name="score_not_negative",
                                   violation_error_message=_("A score cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.juror} · {self.entry} · {self.criterion}: {self.value}"


class ConflictOfInterest(models.Model):
    """A juror's declaration that they must not judge an entry (e.g. a relative's garden)."""

    juror = models.ForeignKey(JuryMember, on_delete=models.CASCADE, related_name="conflicts",
                              verbose_name=_("juror"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("entry"))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by the office"),
                                    help_text=_("Empty when the juror declared the conflict."))

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["juror", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["juror", "entry"], name="conflict_once",
                                    violation_error_message=_("You have already declared a conflict for this entry.")),
        ]

    def __str__(self) -> str:
        return f"{self.juror} ≠ {self.entry}"


# --- Public vote ---------------------------------------------------------------------------------------

class VotingRound(models.Model):
    """A round of the public vote with its dates, its entries and who may vote."""

    class Eligibility(models.TextChoices):
        VERIFIED_EMAIL = "verified_email", _("anyone registered with a verified e-mail address")
        CARDHOLDER = "cardholder", _("active Moja Starówka cardholders only")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("contest"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("name"), max_length=120, blank=True, help_text=_("e.g. “Final”."))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    eligibility = models.CharField(_("who may vote"), max_length=20, choices=Eligibility.choices,
                                   default=Eligibility.VERIFIED_EMAIL)
    eligible_voters = models.PositiveIntegerField(
        _("eligible voters"), null=True, blank=True,
        help_text=_("How many people may vote in the round, where known (e.g. active cardholders); shown with the "
                    "results."))
    entries = models.ManyToManyField(Entry, through="RoundEntry", related_name="rounds", verbose_name=_("entries"))

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_unique_number",
                                    violation_error_message=_("The contest already has a round with this number.")),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="round_dates_ordered",
                                   violation_error_message=_("A round must end after it starts.")),
        ]

    def __str__(self) -> str:
        return f"{self.contest} · {self.label}"

    @property
    def label(self) -> str:
        return self.name or str(_("Round %(number)s") % {"number": self.number})

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at


class RoundEntry(models.Model):
    """An entry put to the vote in a round. Votes refer to it (the database keeps the vote's round and entry equal
    to the round entry's). Withdrawn (the entry became ineligible, its permit was revoked), it takes no more votes
    and leaves the ranking; the votes it had stay recorded."""

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="round_entries",
                              verbose_name=_("round"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="round_entries", verbose_name=_("entry"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("entry in a round")
        verbose_name_plural = _("entries in rounds")
        ordering = ["round", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["round", "entry"], name="round_entry_once",
                                    violation_error_message=_("The entry is already in this round.")),
            # The target of the votes' composite foreign key (id, round, entry) on PostgreSQL.
            models.UniqueConstraint(fields=["id", "round", "entry"], name="round_entry_vote_target"),
            models.CheckConstraint(condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                                   name="round_entry_withdrawn_has_reason",
                                   violation_error_message=_("A withdrawal needs a reason.")),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.entry}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Vote(models.Model):
    """One online vote. Never deleted: staff void it with a reason and it leaves the results.

    UniqueConstraint(round, voter) has no condition on purpose: a voided vote still blocks a second vote by the
    same person in that round (voiding is a sanction, not a reset). When a voter's data is erased the voter is set
    to NULL; NULLs are distinct in a unique constraint, so anonymous votes keep counting.
    """

    # Round, entry and round entry are held by one composite foreign key on PostgreSQL (vote_matches_round_entry:
    # (round_entry, round, entry) -> the round entry's (id, round, entry), whose own keys hold the round and the
    # entry), not by one constraint each: on voting day each constraint was one more key-share lock per vote on
    # the same few hot rows. The vote's INSERT … SELECT takes all three ids from the round entry row itself
    # (services._vote_insert_sql), so they agree on SQLite too. No index of the round's own: the unique (round,
    # voter) and (round, entry) lead with it.
    round = models.ForeignKey(VotingRound, on_delete=models.PROTECT, related_name="votes", verbose_name=_("round"),
                              db_constraint=False, db_index=False)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="votes", verbose_name=_("entry"),
                              db_constraint=False)
    round_entry = models.ForeignKey(RoundEntry, on_delete=models.PROTECT, related_name="votes",
                                    verbose_name=_("entry in the round"), db_constraint=False)
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="contest_votes", verbose_name=_("voter"))
    created_at = models.DateTimeField(_("cast at"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"), db_index=False)
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="vote_once_per_round",
                                    violation_error_message=_("You have already voted in this round.")),
            models.CheckConstraint(condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                                   name="vote_void_has_reason",
                                   violation_error_message=_("A voided vote needs a reason.")),
        ]
        indexes = [
            models.Index(fields=["round", "entry"], name="vote_round_entry"),
            # Only voided votes have it: no index entry written for each vote cast.
            models.Index(fields=["voided_by"], condition=Q(voided_by__isnull=False), name="vote_voided_by"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.entry}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class PaperBallotBatch(models.Model):
    """Paper ballots for one entry from one ballot box or information point, as the ballot protocol counts them.

    The protocol's batch number is unique in the round, so a batch cannot be entered twice. Nothing is deleted:
    a mistaken batch is corrected by a reversing batch (the same number, the count negated, a reason), after
    which the right figures may be entered under that number.
    """

    round = models.ForeignKey(VotingRound, on_delete=models.PROTECT, related_name="paper_batches",
                              verbose_name=_("round"))
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="paper_batches",
                              verbose_name=_("entry"))
    protocol_number = models.CharField(_("protocol batch number"), max_length=40,
                                       help_text=_("The batch's number in the ballot protocol, e.g. “CIT/3”."))
    place = models.CharField(_("ballot box or information point"), max_length=150,
                             help_text=_("e.g. the information point at Rynek Staromiejski 25."))
    count = models.IntegerField(_("ballots"), help_text=_("Negative only in a reversing batch."))
    counted_by = models.CharField(_("counted by"), max_length=150, help_text=_("Who counted the ballots."))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversal", verbose_name=_("reverses batch"))
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("paper ballot batch")
        verbose_name_plural = _("paper ballot batches")
        ordering = ["round", "-entered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True, count__gte=1)
                           | (Q(reverses__isnull=False, count__lte=-1) & ~Q(note=""))),
                name="paper_batch_count_sign",
                violation_error_message=_("A batch counts at least one ballot; a reversing batch needs a reason.")),
            models.UniqueConstraint(fields=["round", "protocol_number"],
                                    condition=Q(reverses__isnull=True, reversed_at__isnull=True),
                                    name="paper_batch_number_once_per_round",
                                    violation_error_message=_("This protocol batch number is already entered in "
                                                              "the round.")),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.protocol_number} · {self.entry}: {self.count}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class BallotProtocol(models.Model):
    """The paper-ballot protocol of a round: ballots issued, returned, valid and void. The results cannot be
    published while it disagrees with itself or with the batches entered."""

    round = models.OneToOneField(VotingRound, on_delete=models.PROTECT, related_name="protocol",
                                 verbose_name=_("round"))
    issued = models.PositiveIntegerField(_("ballots issued"))
    returned = models.PositiveIntegerField(_("ballots returned"))
    valid = models.PositiveIntegerField(_("valid ballots"))
    void = models.PositiveIntegerField(_("void ballots"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ballot protocol")
        verbose_name_plural = _("ballot protocols")

    def __str__(self) -> str:
        return f"{self.round}: {self.valid}/{self.returned}/{self.issued}"


# --- Published results ---------------------------------------------------------------------------------

class ResultPublication(models.Model):
    """One published version of a contest's results: the figures as they were, never changed afterwards.
    A correction is a new version with its reason; the earlier versions stay readable."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="publications",
                                verbose_name=_("contest"))
    version = models.PositiveSmallIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("published by"))
    reason = models.TextField(_("reason for the correction"), blank=True)
    ranking_method = models.CharField(_("ranking method"), max_length=20, choices=Contest.RankingMethod.choices)
    counting_rule = models.TextField(_("counting rule"))
    tie_rule = models.TextField(_("tie rule"))
    scoring_rule = models.TextField(_("scoring rule"), blank=True)
    totals = models.JSONField(_("totals per round"), default=list)

    class Meta:
        verbose_name = _("results publication")
        verbose_name_plural = _("results publications")
        ordering = ["contest", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "version"], name="publication_version_once"),
            models.CheckConstraint(condition=Q(version=1) | ~Q(reason=""), name="republication_has_reason",
                                   violation_error_message=_("A correction needs a reason.")),
        ]

    def __str__(self) -> str:
        return f"{self.contest} · v{self.version}"


class ResultFigure(models.Model):
    """One entry's figures in a publication: per round (round set) or in the final ranking (round empty)."""

    publication = models.ForeignKey(ResultPublication, on_delete=models.PROTECT, related_name="figures",
                                    verbose_name=_("publication"))
    round = models.ForeignKey(VotingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("round"))
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+", verbose_name=_("entry"))
    title = models.CharField(_("title"), max_length=200)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True, help_text=_("Empty: out of the ranking."))
    web_votes = models.PositiveIntegerField(_("web votes"), default=0)
    paper_votes = models.IntegerField(_("paper votes"), default=0)
    voided = models.PositiveIntegerField(_("voided votes"), default=0)
    total_votes = models.IntegerField(_("total"), default=0)
    percent = models.DecimalField(_("percent"), max_digits=6, decimal_places=2, default=Decimal("0"))
    jury_score = models.DecimalField(_("commission score"), max_digits=6, decimal_places=2, null=True, blank=True)
    public_points = models.DecimalField(_("public points"), max_digits=6, decimal_places=2, null=True, blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=6, decimal_places=2, null=True, blank=True)
    out_reason = models.TextField(_("why out of the ranking"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("result figure")
        verbose_name_plural = _("result figures")
        ordering = ["publication", "round", "position"]

    def __str__(self) -> str:
        return f"{self.publication} · {self.title}"


# --- Audit ---------------------------------------------------------------------------------------------

class ContestEvent(models.Model):
    """The contest's audit trail: every void, ballot batch, protocol, withdrawal, conflict, correction and
    publication, with who, when and why. Written by the services only, never edited."""

    class Kind(models.TextChoices):
        VOTE_VOIDED = "vote_voided", _("vote voided")
        BALLOTS_ENTERED = "ballots_entered", _("paper ballots entered")
        BALLOTS_REVERSED = "ballots_reversed", _("paper ballot batch reversed")
        PROTOCOL_RECORDED = "protocol_recorded", _("ballot protocol recorded")
        ENTRY_WITHDRAWN = "entry_withdrawn", _("entry withdrawn from a round")
        CONFLICT_RECORDED = "conflict_recorded", _("conflict of interest recorded")
        ROUND_CHANGED = "round_changed", _("round changed")
        CORRECTION_OPENED = "correction_opened", _("correction opened")
        RESULTS_PUBLISHED = "results_published", _("results published")

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="events", verbose_name=_("contest"))
    kind = models.CharField(_("what"), max_length=30, choices=Kind.choices)
    round = models.ForeignKey(VotingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("round"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    note = models.TextField(_("why"), blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        verbose_name = _("contest event")
        verbose_name_plural = _("contest history")
        ordering = ["contest", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.contest} · {self.get_kind_display()}"
