"""Reads of the contest engine: lists with their joins, who may see what, and results computed in the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Rank
from django.utils import timezone

from centres.selectors import is_staff_of, staff_centre_ids

from .models import (
    Contest,
    Criterion,
    Entry,
    EntryImage,
    JuryMember,
    PaperBallotBatch,
    Phase,
    RoundEntry,
    Score,
    Vote,
    VotingRound,
)

CENT = Decimal("0.01")


def contest_list() -> QuerySet[Contest]:
    return (Contest.objects.select_related("centre")
            .prefetch_related("phases", "rounds")
            .annotate(entry_count=Count("entries", filter=~Q(entries__status=Entry.Status.INELIGIBLE),
                                        distinct=True)))


def visible_entries(*, contest: Contest, user=None) -> QuerySet[Entry]:
    """The public sees accepted entries (and all once shortlisting started); staff see every entry; an entrant
    also sees their own."""
    qs = entry_list().filter(contest=contest)
    if user is not None and is_staff_of(user, contest.centre_id):
        return qs
    mine = Q(submitted_by=user) if user is not None and user.is_authenticated else Q(pk__in=[])
    return qs.filter(Q(status__in=["eligible", "shortlisted", "finalist", "winner"]) | mine)


def entry_list() -> QuerySet[Entry]:
    return (Entry.objects.select_related("contest__centre", "garden__business", "garden__season", "submitted_by")
            .prefetch_related(Prefetch("images", queryset=EntryImage.objects.order_by("position", "pk")))
            .annotate(nomination_count=Count("nominations", distinct=True)))


def entries_for_user(user) -> QuerySet[Entry]:
    """API scope: accepted entries of any contest, the user's own, and everything in the staff's centres."""
    qs = entry_list()
    cond = Q(status__in=["eligible", "shortlisted", "finalist", "winner"])
    if user is not None and user.is_authenticated:
        cond |= Q(submitted_by=user) | Q(contest__centre_id__in=staff_centre_ids(user))
        cond |= Q(contest__jury__user=user)
    return qs.filter(cond).distinct()


def juror_seat(*, contest: Contest, user) -> JuryMember | None:
    if user is None or not user.is_authenticated:
        return None
    return JuryMember.objects.select_related("contest__centre", "user").filter(contest=contest, user=user).first()


def review_closed(contest: Contest) -> bool:
    phase = Phase.objects.filter(contest=contest, kind=Phase.Kind.REVIEW).first()
    return phase is not None and phase.is_closed(timezone.now())


def visible_scores(*, user, contest: Contest | None = None) -> QuerySet[Score]:
    """Staff of the centre see every score; a juror sees their own, and the others' only once the review phase
    has closed; anyone else sees none."""
    qs = Score.objects.select_related("juror__user", "entry", "criterion", "juror__contest")
    if contest is not None:
        qs = qs.filter(entry__contest=contest)
    if user is None or not user.is_authenticated:
        return qs.none()
    now = timezone.now()
    closed_contests = [p.contest_id for p in Phase.objects.filter(kind=Phase.Kind.REVIEW, contest__jury__user=user)
                       if p.is_closed(now)]
    return qs.filter(Q(juror__user=user)
                     | Q(entry__contest__centre_id__in=staff_centre_ids(user))
                     | Q(entry__contest_id__in=closed_contests, juror__contest__jury__user=user)).distinct()


def criteria_of(contest: Contest) -> QuerySet[Criterion]:
    return Criterion.objects.filter(contest=contest).order_by("position", "pk")


# --- Commission ranking --------------------------------------------------------------------------------

def commission_scores() -> dict:
    """Annotations of an Entry queryset: the commission's weighted mean score on a 0–100 scale.

    Each score counts as value ÷ max score × weight; the sum is divided by the sum of the weights of the scores
    given, so a juror's missing score does not drag an entry down.
    """
    weighted = Sum(Cast("scores__value", FloatField()) * Cast("scores__criterion__weight", FloatField())
                   / Cast("scores__criterion__max_score", FloatField()))
    weights = Sum(Cast("scores__criterion__weight", FloatField()))
    return {"commission_raw": Coalesce(weighted * Value(100.0) / weights, Value(0.0)),
            "score_count": Count("scores")}


@dataclass
class RankedEntry:
    entry: Entry
    commission_score: Decimal
    score_count: int


def commission_ranking(*, contest: Contest) -> list[RankedEntry]:
    """Accepted entries by the commission's weighted mean, ties by earlier submission."""
    rows = (Entry.objects.filter(contest=contest, status__in=["eligible", "shortlisted", "finalist", "winner"])
            .select_related("garden__business").annotate(**commission_scores())
            .order_by(F("commission_raw").desc(nulls_last=True), "created_at", "pk"))
    return [RankedEntry(entry=e, commission_score=_dec(e.commission_raw), score_count=e.score_count) for e in rows]


def _dec(value: float | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Round results -------------------------------------------------------------------------------------

def annotate_results(qs: QuerySet[RoundEntry]) -> QuerySet[RoundEntry]:
    """RoundEntry rows (of one or many rounds) with their online votes (voided ones excluded), paper ballots,
    total, the round's total and the rank within the round (ties share a rank), all computed in the database."""
    online = (Vote.objects.filter(round_id=OuterRef("round_id"), entry_id=OuterRef("entry_id"), voided_at__isnull=True)
              .order_by().values("entry_id").annotate(n=Count("pk")).values("n"))
    paper = (PaperBallotBatch.objects.filter(round_id=OuterRef("round_id"), entry_id=OuterRef("entry_id"))
             .order_by().values("entry_id").annotate(n=Sum("count")).values("n"))
    total = F("online_votes") + F("paper_votes")
    return (qs.annotate(online_votes=Coalesce(Subquery(online, output_field=IntegerField()), 0),
                        paper_votes=Coalesce(Subquery(paper, output_field=IntegerField()), 0))
            .annotate(total_votes=total)
            .annotate(round_total=Window(Sum(total), partition_by=[F("round_id")]),
                      vote_rank=Window(Rank(), partition_by=[F("round_id")], order_by=total.desc())))


def round_results(*, voting_round: VotingRound) -> QuerySet[RoundEntry]:
    """Each entry of a round with its votes and share, best first (ties by the earlier submission)."""
    return (annotate_results(RoundEntry.objects.filter(round=voting_round))
            .select_related("entry__garden__business", "round__contest")
            .prefetch_related(Prefetch("entry__images", queryset=EntryImage.objects.order_by("position", "pk")))
            .order_by("-total_votes", "entry__created_at", "entry_id"))


def percent(part: int, whole: int) -> Decimal:
    """A share in percent, rounded half up to 0.01."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def round_result_rows(*, voting_round: VotingRound) -> list[dict]:
    """The results as plain rows with rank and percentage (for pages, the API and the CSV export)."""
    rows = []
    for row in round_results(voting_round=voting_round):
        rows.append({"rank": row.vote_rank, "entry": row.entry, "entry_id": row.entry_id, "title": row.entry.title,
                     "online_votes": row.online_votes, "paper_votes": row.paper_votes,
                     "total_votes": row.total_votes, "round_total": row.round_total or 0,
                     "percent": percent(row.total_votes, row.round_total or 0)})
    return rows


def results_visible(*, contest: Contest, user) -> bool:
    """The public sees results once published; staff of the centre always."""
    return contest.results_published_at is not None or (user is not None and is_staff_of(user, contest.centre_id))


# --- Final ranking -------------------------------------------------------------------------------------

@dataclass
class FinalRow:
    rank: int
    entry: Entry
    public_votes: int
    public_points: Decimal
    commission_score: Decimal
    final_score: Decimal


def final_ranking(*, contest: Contest) -> list[FinalRow]:
    """The contest's final ranking by its method, with the stated tie rule (`models.TIE_RULE`).

    public: points = votes in the final round ÷ the most votes of any entry there × 100.
    commission: the weighted mean score (0–100). weighted: public_weight % of the first plus the rest of the second.
    Ranked are the final round's entries, or with no rounds (commission only) the accepted entries.
    """
    final_round = contest.rounds.order_by("-number").first()
    commission = {r.entry.pk: r for r in commission_ranking(contest=contest)}
    if final_round is not None:
        rows = [(r["entry"], r["total_votes"]) for r in round_result_rows(voting_round=final_round)]
    else:
        rows = [(r.entry, 0) for r in commission.values()]
    best = max((votes for _e, votes in rows), default=0)
    weight = Decimal(contest.public_weight) / 100
    scored = []
    for entry, votes in rows:
        public_points = (Decimal(votes) * 100 / best) if best else Decimal(0)
        c = commission.get(entry.pk)
        c_score = c.commission_score if c else Decimal(0)
        if contest.ranking_method == Contest.RankingMethod.PUBLIC:
            final = public_points
        elif contest.ranking_method == Contest.RankingMethod.COMMISSION:
            final = c_score
        else:
            final = weight * public_points + (1 - weight) * c_score
        scored.append((final.quantize(CENT, rounding=ROUND_HALF_UP), c_score, votes, entry,
                       public_points.quantize(CENT, rounding=ROUND_HALF_UP)))
    scored.sort(key=lambda t: (-t[0], -t[1], -t[2], t[3].created_at, t[3].pk))
    return [FinalRow(rank=n, entry=entry, public_votes=votes, public_points=pp, commission_score=c_score,
                     final_score=final)
            for n, (final, c_score, votes, entry, pp) in enumerate(scored, start=1)]


# --- Votes ---------------------------------------------------------------------------------------------

def votes_for_user(user) -> QuerySet[Vote]:
    """A voter's own votes, plus every vote of the staff's centres (voided ones stay visible)."""
    qs = Vote.objects.select_related("round__contest", "entry", "voided_by")
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(voter=user) | Q(round__contest__centre_id__in=staff_centre_ids(user)))


def open_round(contest: Contest) -> VotingRound | None:
    now = timezone.now()
    return (VotingRound.objects.filter(contest=contest, starts_at__lte=now, ends_at__gt=now)
            .select_related("contest__centre").order_by("number").first())


def has_voted(*, voting_round: VotingRound, user) -> bool:
    return bool(user and user.is_authenticated) and Vote.objects.filter(round=voting_round, voter=user).exists()
