"""Reads of the contest engine: lists with their joins, who may see what, and results computed in the database."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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
    BallotProtocol,
    ConflictOfInterest,
    Contest,
    ContestEvent,
    Criterion,
    Entry,
    EntryImage,
    JuryMember,
    PaperBallotBatch,
    Phase,
    ResultFigure,
    ResultPublication,
    RoundEntry,
    Score,
    Vote,
    VotingRound,
)
from .plugins import plugin_for

CENT = Decimal("0.01")
ACCEPTED = ("eligible", "shortlisted", "finalist", "winner")


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
    that count. Scores count unless excluded (a conflict recorded after scoring) or given by the entrant
    themselves. Publication requires every juror without a conflict to have scored every entry (SCORING_RULE),
    so every published mean rests on complete scores.
    """
    counts = Q(scores__excluded_reason="") & (Q(submitted_by__isnull=True)
                                              | ~Q(scores__juror__user_id=F("submitted_by_id")))
    weighted = Sum(Cast("scores__value", FloatField()) * Cast("scores__criterion__weight", FloatField())
                   / Cast("scores__criterion__max_score", FloatField()), filter=counts)
    weights = Sum(Cast("scores__criterion__weight", FloatField()), filter=counts)
    return {"commission_raw": Coalesce(weighted * Value(100.0) / weights, Value(0.0)),
            "score_count": Count("scores", filter=counts)}


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
    """RoundEntry rows (of one or many rounds) with their web votes (voided ones excluded), voided votes, paper
    ballots (reversing batches net out), total, the round's total and the rank within the round (ties share a
    rank), all computed in the database. Withdrawn or ineligible entries are still listed: the results pages
    take them out of the ranking (`round_entry_problem`)."""
    votes = Vote.objects.filter(round_entry_id=OuterRef("pk")).order_by().values("round_entry_id")
    online = votes.filter(voided_at__isnull=True).annotate(n=Count("pk")).values("n")
    voided = votes.filter(voided_at__isnull=False).annotate(n=Count("pk")).values("n")
    paper = (PaperBallotBatch.objects.filter(round_id=OuterRef("round_id"), entry_id=OuterRef("entry_id"))
             .order_by().values("entry_id").annotate(n=Sum("count")).values("n"))
    total = F("online_votes") + F("paper_votes")
    return (qs.annotate(online_votes=Coalesce(Subquery(online, output_field=IntegerField()), 0),
                        voided_votes=Coalesce(Subquery(voided, output_field=IntegerField()), 0),
                        paper_votes=Coalesce(Subquery(paper, output_field=IntegerField()), 0))
            .annotate(total_votes=total)
            .annotate(round_total=Window(Sum(total), partition_by=[F("round_id")]),
                      vote_rank=Window(Rank(), partition_by=[F("round_id")], order_by=total.desc())))


def round_results(*, voting_round: VotingRound) -> QuerySet[RoundEntry]:
    """Each entry of a round with its votes, best first (ties by the earlier submission)."""
    return (annotate_results(RoundEntry.objects.filter(round=voting_round))
            .select_related("entry__garden__business", "entry__contest", "round__contest", "withdrawn_by")
            .prefetch_related(Prefetch("entry__images", queryset=EntryImage.objects.order_by("position", "pk")))
            .order_by("-total_votes", "entry__created_at", "entry_id"))


def percent(part: int, whole: int) -> Decimal:
    """A share in percent, rounded half up to 0.01."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def round_entry_problem(round_entry: RoundEntry) -> str | None:
    """Why a round entry takes no votes and is out of the ranking (shown to staff), or None: withdrawn from the
    round, no longer eligible, or its kind's rules say so now (a green garden whose permit was revoked)."""
    from django.utils.translation import gettext as _

    if round_entry.withdrawn_at is not None:
        return round_entry.withdrawn_reason or _("Withdrawn from the round.")
    entry = round_entry.entry
    if entry.status not in ACCEPTED:
        return entry.ineligible_reason or _("The entry is not eligible.")
    problems = plugin_for(entry.contest).ranking_problems(entry)
    return " ".join(problems) if problems else None


@dataclass
class ResultRow:
    entry_id: int
    title: str
    rank: int | None
    web_votes: int
    paper_votes: int
    voided: int
    total_votes: int
    percent: Decimal = Decimal("0.00")
    out_reason: str = ""
    entry: Entry | None = None
    bar: int = 0


@dataclass
class RoundBlock:
    round: VotingRound
    rows: list[ResultRow]
    eligible_voters: int | None = None
    web_void: int = 0
    paper_void: int = 0
    not_counted: int = 0  # valid votes for entries that left the ranking (recorded, not counted)

    @property
    def ranked(self) -> list[ResultRow]:
        return [r for r in self.rows if r.rank is not None]

    @property
    def out(self) -> list[ResultRow]:
        return [r for r in self.rows if r.rank is None]

    @property
    def web_valid(self) -> int:
        return sum(r.web_votes for r in self.ranked)

    @property
    def paper_valid(self) -> int:
        return sum(r.paper_votes for r in self.ranked)

    @property
    def total(self) -> int:
        return self.web_valid + self.paper_valid

    @property
    def void_total(self) -> int:
        return self.web_void + self.paper_void

    def totals_json(self) -> dict[str, Any]:
        return {"round": self.round.pk, "number": self.round.number, "label": self.round.label,
                "eligible_voters": self.eligible_voters, "web_valid": self.web_valid, "web_void": self.web_void,
                "paper_valid": self.paper_valid, "paper_void": self.paper_void, "not_counted": self.not_counted,
                "total": self.total}


def _rank(rows: list[ResultRow]) -> None:
    """Competition ranking of the counted rows (1, 2, 2, 4): equal totals share a place."""
    place, previous = 0, None
    for n, row in enumerate(rows, start=1):
        if row.total_votes != previous:
            place, previous = n, row.total_votes
        row.rank = place


def round_block(voting_round: VotingRound) -> RoundBlock:
    """A round's figures as they stand now: counted entries ranked, the others listed with their reason."""
    ranked, out = [], []
    for re in round_results(voting_round=voting_round):
        row = ResultRow(entry_id=re.entry_id, title=re.entry.title, rank=None, web_votes=re.online_votes,
                        paper_votes=re.paper_votes, voided=re.voided_votes, total_votes=re.total_votes,
                        entry=re.entry)
        reason = round_entry_problem(re)
        if reason:
            row.out_reason = reason
            out.append(row)
        else:
            ranked.append(row)
    _rank(ranked)
    whole = sum(r.total_votes for r in ranked)
    for row in ranked:
        row.percent = percent(row.total_votes, whole)
    protocol = BallotProtocol.objects.filter(round=voting_round).first()
    return RoundBlock(round=voting_round, rows=ranked + out, eligible_voters=voting_round.eligible_voters,
                      web_void=sum(r.voided for r in ranked + out), paper_void=protocol.void if protocol else 0,
                      not_counted=sum(r.total_votes for r in out))


def round_result_rows(*, voting_round: VotingRound) -> list[dict]:
    """The results as plain rows with rank and percentage (for the API and exports); entries out of the ranking
    have no rank and say why."""
    block = round_block(voting_round)
    whole = block.total
    return [{"rank": r.rank, "entry": r.entry, "entry_id": r.entry_id, "title": r.title,
             "online_votes": r.web_votes, "paper_votes": r.paper_votes, "voided": r.voided,
             "total_votes": r.total_votes, "round_total": whole, "percent": r.percent,
             "out_reason": r.out_reason} for r in block.rows]


def results_visible(*, contest: Contest, user) -> bool:
    """The public sees results once published; staff of the centre always."""
    return contest.results_published_at is not None or (user is not None and is_staff_of(user, contest.centre_id))


def protocol_problems(voting_round: VotingRound) -> list[str]:
    """Where a round's paper-ballot protocol disagrees with itself or with the batches entered (empty: agrees)."""
    from django.utils.translation import gettext as _

    batches = PaperBallotBatch.objects.filter(round=voting_round).aggregate(n=Sum("count"), rows=Count("pk"))
    entered = batches["n"] or 0
    protocol = BallotProtocol.objects.filter(round=voting_round).first()
    label = voting_round.label
    if protocol is None:
        if batches["rows"]:
            return [_("%(round)s: paper ballots are entered but the ballot protocol is not recorded.")
                    % {"round": label}]
        return []
    problems = []
    if protocol.valid + protocol.void != protocol.returned:
        problems.append(_("%(round)s: the protocol's valid (%(valid)s) and void (%(void)s) ballots do not add up "
                          "to the %(returned)s returned.")
                        % {"round": label, "valid": protocol.valid, "void": protocol.void,
                           "returned": protocol.returned})
    if protocol.returned > protocol.issued:
        problems.append(_("%(round)s: more ballots returned (%(returned)s) than issued (%(issued)s).")
                        % {"round": label, "returned": protocol.returned, "issued": protocol.issued})
    if protocol.valid != entered:
        problems.append(_("%(round)s: the protocol counts %(valid)s valid ballots, the batches entered %(entered)s.")
                        % {"round": label, "valid": protocol.valid, "entered": entered})
    return problems


# --- The commission's completeness ---------------------------------------------------------------------

def ranked_entries(contest: Contest) -> list[Entry]:
    """The entries the final ranking ranks: the final round's counted entries, or (no rounds) the accepted."""
    final_round = contest.rounds.order_by("-number").first()
    if final_round is not None:
        return [r.entry for r in round_block(final_round).ranked]
    return list(Entry.objects.filter(contest=contest, status__in=ACCEPTED).select_related("garden"))


def missing_scores(*, contest: Contest) -> list[dict[str, Any]]:
    """Juror × entry pairs (no conflict) with criteria not yet scored: [{juror, entry, missing}]."""
    from centres.models import BusinessMembership

    entries = ranked_entries(contest)
    criteria = list(Criterion.objects.filter(contest=contest).values_list("pk", flat=True))
    jurors = list(JuryMember.objects.filter(contest=contest).select_related("user"))
    if not entries or not criteria or not jurors:
        return []
    scored: dict[tuple[int, int], int] = {}
    for juror_id, entry_id in (Score.objects.filter(entry__in=entries, excluded_reason="", criterion_id__in=criteria)
                               .values_list("juror_id", "entry_id")):
        scored[(juror_id, entry_id)] = scored.get((juror_id, entry_id), 0) + 1
    conflicts = set(ConflictOfInterest.objects.filter(entry__in=entries).values_list("juror_id", "entry_id"))
    members = set(BusinessMembership.objects.filter(user_id__in=[j.user_id for j in jurors])
                  .values_list("user_id", "business_id"))
    missing = []
    for juror in jurors:
        for entry in entries:
            if (entry.submitted_by_id == juror.user_id or (juror.pk, entry.pk) in conflicts
                    or (entry.garden_id and (juror.user_id, entry.garden.business_id) in members)):
                continue
            gap = len(criteria) - scored.get((juror.pk, entry.pk), 0)
            if gap > 0:
                missing.append({"juror": juror.user.get_full_name() or juror.user.email, "entry": entry.title,
                                "missing": gap})
    return missing


# --- Final ranking -------------------------------------------------------------------------------------

@dataclass
class FinalRow:
    rank: int
    entry: Entry
    public_votes: int
    public_points: Decimal
    commission_score: Decimal
    final_score: Decimal
    web_votes: int = 0
    paper_votes: int = 0
    voided: int = 0
    title: str = ""


def final_ranking(*, contest: Contest, final_block: RoundBlock | None = None) -> list[FinalRow]:
    """The contest's final ranking by its method, with its stated tie rule (`Contest.tie_rule`).

    public: points = votes in the final round ÷ the most votes of any entry there × 100.
    commission: the weighted mean score (0–100). weighted: public_weight % of the first plus the rest of the second.
    Ranked are the final round's counted entries, or with no rounds (commission only) the accepted entries.
    """
    final_round = contest.rounds.order_by("-number").first()
    commission = {r.entry.pk: r for r in commission_ranking(contest=contest)}
    if final_round is not None:
        block = final_block or round_block(final_round)
        rows = [(r.entry, r.total_votes, r) for r in block.ranked]
    else:
        rows = [(r.entry, 0, None) for r in commission.values()]
    best = max((votes for _e, votes, _r in rows), default=0)
    weight = Decimal(contest.public_weight) / 100
    scored = []
    for entry, votes, row in rows:
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
                       public_points.quantize(CENT, rounding=ROUND_HALF_UP), row))
    if contest.ranking_method == Contest.RankingMethod.COMMISSION:
        scored.sort(key=lambda t: (-t[0], t[3].created_at, t[3].pk))
    else:
        scored.sort(key=lambda t: (-t[0], -t[1], -t[2], t[3].created_at, t[3].pk))
    return [FinalRow(rank=n, entry=entry, public_votes=votes, public_points=pp, commission_score=c_score,
                     final_score=final, web_votes=row.web_votes if row else 0,
                     paper_votes=row.paper_votes if row else 0, voided=row.voided if row else 0, title=entry.title)
            for n, (final, c_score, votes, entry, pp, row) in enumerate(scored, start=1)]


# --- Results as a whole: live (staff, before publication) or published (the snapshot) ---------------------

@dataclass
class ContestResults:
    contest: Contest
    rounds: list[RoundBlock]
    ranking: list[FinalRow]
    publication: ResultPublication | None = None
    versions: list[ResultPublication] = field(default_factory=list)
    counting_rule: str = ""
    tie_rule: str = ""
    scoring_rule: str = ""
    ranking_method: str = ""

    @property
    def published(self) -> bool:
        return self.publication is not None

    @property
    def corrected(self) -> bool:
        return self.publication is not None and self.publication.version > 1

    @property
    def uses_public_vote(self) -> bool:
        return self.ranking_method in (Contest.RankingMethod.PUBLIC, Contest.RankingMethod.WEIGHTED)

    @property
    def uses_commission(self) -> bool:
        return self.ranking_method in (Contest.RankingMethod.COMMISSION, Contest.RankingMethod.WEIGHTED)


def compute_results(*, contest: Contest) -> ContestResults:
    """The figures as they stand now (what publishing records)."""
    rounds = [round_block(r) for r in contest.rounds.order_by("number")]
    final_block = rounds[-1] if rounds else None
    method = contest.ranking_method
    return ContestResults(
        contest=contest, rounds=rounds if contest.uses_public_vote or rounds else [],
        ranking=final_ranking(contest=contest, final_block=final_block),
        counting_rule=contest.counting_rule, tie_rule=contest.tie_rule,
        scoring_rule=contest.scoring_rule if contest.uses_commission else "", ranking_method=method)


def publications(contest: Contest) -> list[ResultPublication]:
    return list(ResultPublication.objects.filter(contest=contest).select_related("published_by")
                .order_by("-version"))


def published_results(*, contest: Contest, version: int | None = None) -> ContestResults | None:
    """The published snapshot (the latest version, or the one asked for), read back as it was recorded."""
    versions = publications(contest)
    if not versions:
        return None
    publication = next((p for p in versions if p.version == version), None) if version else versions[0]
    if publication is None:
        return None
    figures = list(ResultFigure.objects.filter(publication=publication)
                   .select_related("round", "entry").order_by("round__number", "position", "pk"))
    totals = {t["round"]: t for t in publication.totals}
    blocks: dict[int, RoundBlock] = {}
    ranking: list[FinalRow] = []
    for f in figures:
        if f.round_id is None:
            ranking.append(FinalRow(rank=f.rank or 0, entry=f.entry, public_votes=f.total_votes,
                                    public_points=f.public_points or Decimal(0),
                                    commission_score=f.jury_score or Decimal(0),
                                    final_score=f.final_score or Decimal(0), web_votes=f.web_votes,
                                    paper_votes=f.paper_votes, voided=f.voided, title=f.title))
            continue
        t = totals.get(f.round_id, {})
        block = blocks.setdefault(f.round_id, RoundBlock(
            round=f.round, rows=[], eligible_voters=t.get("eligible_voters"), web_void=t.get("web_void", 0),
            paper_void=t.get("paper_void", 0), not_counted=t.get("not_counted", 0)))
        block.rows.append(ResultRow(entry_id=f.entry_id, title=f.title, rank=f.rank, web_votes=f.web_votes,
                                    paper_votes=f.paper_votes, voided=f.voided, total_votes=f.total_votes,
                                    percent=f.percent, out_reason=f.out_reason, entry=f.entry))
    rounds = sorted(blocks.values(), key=lambda b: b.round.number)
    return ContestResults(contest=contest, rounds=rounds, ranking=ranking, publication=publication,
                          versions=versions, counting_rule=publication.counting_rule,
                          tie_rule=publication.tie_rule, scoring_rule=publication.scoring_rule,
                          ranking_method=publication.ranking_method)


def contest_history(contest: Contest) -> QuerySet[ContestEvent]:
    """The audit trail of a contest, newest first (staff)."""
    return ContestEvent.objects.filter(contest=contest).select_related("by", "round").order_by("-created_at", "-pk")


# --- Votes ---------------------------------------------------------------------------------------------

def votes_for_user(user) -> QuerySet[Vote]:
    """A voter's own votes, plus every vote of the staff's centres (voided ones stay visible)."""
    qs = Vote.objects.select_related("round__contest", "entry", "voided_by")
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(voter=user) | Q(round__contest__centre_id__in=staff_centre_ids(user)))


# --- What a vote checks about its round ------------------------------------------------------------------

ROUND_FACTS_SECONDS = 300  # how long a web process keeps a round's facts (the vote's insert re-checks them all)
_ROUND_FACTS: dict[int, tuple[float, RoundFacts]] = {}
_ROUND_FACTS_MAX = 512


@dataclass(frozen=True)
class RoundFacts:
    """What a vote is checked against, of one round: read in three queries and kept in the web process.

    Kept without invalidation on purpose: the facts only let the vote answer at once, and nothing rests on them
    alone. The vote's insert names every fact it relied on (round open, eligibility, contest, kind, centre, the
    entry in the round and not withdrawn, its status, the kind's ranking condition, the voter not on the jury)
    and writes nothing if the database disagrees; a refusal read from them is read again afresh before it is
    given (contests.services.cast_vote)."""

    pk: int
    contest_id: int
    centre_id: int
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    eligibility: str
    jurors: frozenset[int]
    round_entries: dict[int, int]  # entry id -> round entry id, every entry put to the vote in the round
    votable: frozenset[int]  # the entries that take votes now (no round_entry_problem)

    def is_open(self, now: dt.datetime) -> bool:
        return self.starts_at <= now < self.ends_at


def round_facts(round_id: int, *, fresh: bool = False) -> RoundFacts | None:
    """The round's facts (None: no such round), from this process's memory unless `fresh` or older than
    ROUND_FACTS_SECONDS."""
    now = time.monotonic()
    kept = None if fresh else _ROUND_FACTS.get(round_id)
    if kept is not None and now - kept[0] < ROUND_FACTS_SECONDS:
        return kept[1]
    voting_round = VotingRound.objects.select_related("contest").filter(pk=round_id).first()
    if voting_round is None:
        _ROUND_FACTS.pop(round_id, None)
        return None
    contest = voting_round.contest
    jurors = frozenset(JuryMember.objects.filter(contest_id=contest.pk).values_list("user_id", flat=True))
    round_entries = list(RoundEntry.objects.filter(round_id=round_id)
                         .select_related("entry__contest", "entry__garden"))
    facts = RoundFacts(
        pk=voting_round.pk, contest_id=contest.pk, centre_id=contest.centre_id, kind=contest.kind,
        starts_at=voting_round.starts_at, ends_at=voting_round.ends_at, eligibility=voting_round.eligibility,
        jurors=jurors, round_entries={re.entry_id: re.pk for re in round_entries},
        votable=frozenset(re.entry_id for re in round_entries if round_entry_problem(re) is None))
    if len(_ROUND_FACTS) >= _ROUND_FACTS_MAX:
        _ROUND_FACTS.clear()
    _ROUND_FACTS[round_id] = (now, facts)
    return facts


def open_round(contest: Contest) -> VotingRound | None:
    now = timezone.now()
    return (VotingRound.objects.filter(contest=contest, starts_at__lte=now, ends_at__gt=now)
            .select_related("contest__centre").order_by("number").first())

