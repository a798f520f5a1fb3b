"""Writes of the contest engine. Each is atomic, checks who acts and when, and refuses with field messages and
a stable code (core.errors.Code).

The rules a city can stand behind when it publishes a result live here (and, where a database can hold them, in
constraints too):
- a vote refers to the round entry it is for, and only an entry open for voting in an open round takes votes
  (the round entry row is locked, so a withdrawal and a vote cannot cross);
- a round's rules (start, eligibility, entry list; the end may only be extended before it passes) freeze with
  its first vote;
- publishing records a snapshot (ResultPublication with its ResultFigure rows) that the public page reads;
  after it no vote is voided and no ballot entered, until staff open a correction with a reason and republish,
  which keeps the earlier version;
- paper ballots come in batches numbered by the ballot protocol (unique per round), are corrected by reversing
  batches, and must agree with the round's protocol totals before publication;
- a juror never scores their own entry, an entry of a business they belong to or one with a recorded conflict;
  every juror without a conflict scores every entry before results of a contest the commission ranks
  (models.SCORING_RULE); jurors do not vote in their contest's public rounds;
- every void, batch, protocol, withdrawal, conflict, correction and publication is in ContestEvent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, DateTimeField, Exists, TextField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.selectors import is_staff_of
from core.errors import Code, refusal
from core.rows import prepared_cursor
from core.uploads import IMAGE, PDF, check_upload
from core.workflow import Move, Workflow

from . import selectors
from .models import (
    BallotProtocol,
    ConflictOfInterest,
    Contest,
    ContestEvent,
    Criterion,
    Entry,
    EntryImage,
    EntryStatusChange,
    JuryMember,
    Nomination,
    PaperBallotBatch,
    Phase,
    ResultFigure,
    ResultPublication,
    RoundEntry,
    Score,
    Vote,
    VotingRound,
)
from .plugins import plugin_for, plugin_for_kind

MAX_IMAGES = 10

S = Entry.Status
# Entries that passed the eligibility check and may be judged or put to the vote.
ACCEPTED_STATUSES = (S.ELIGIBLE, S.SHORTLISTED, S.FINALIST, S.WINNER)


def require_staff(user, contest: Contest) -> None:
    """Office staff of the contest's centre only."""
    if not is_staff_of(user, contest.centre_id):
        raise PermissionDenied(_("Only the office staff of this centre may do this."))


def _staff_of_entry(user, entry: Entry) -> bool:
    return is_staff_of(user, entry.contest.centre_id)


# The entry workflow (core.workflow): the only moves staff can make; anything else is refused.
ENTRY_WORKFLOW = Workflow(
    model=Entry, history=EntryStatusChange, subject_field="entry",
    moves=[
        Move(S.SUBMITTED, S.ELIGIBLE, "staff"),
        Move(S.SUBMITTED, S.INELIGIBLE, "staff", note_required=True),
        Move(S.ELIGIBLE, S.INELIGIBLE, "staff", note_required=True),
        Move(S.ELIGIBLE, S.SHORTLISTED, "staff"),
        Move(S.INELIGIBLE, S.ELIGIBLE, "staff"),
        Move(S.SHORTLISTED, S.FINALIST, "staff"),
        Move(S.SHORTLISTED, S.ELIGIBLE, "staff"),
        Move(S.SHORTLISTED, S.INELIGIBLE, "staff", note_required=True),
        Move(S.FINALIST, S.WINNER, "staff"),
        Move(S.FINALIST, S.SHORTLISTED, "staff"),
        Move(S.FINALIST, S.INELIGIBLE, "staff", note_required=True),
        Move(S.WINNER, S.FINALIST, "staff"),
    ],
    actors={"staff": _staff_of_entry},
)


def _error(message: str, code: Code, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return refusal(field, message, code)


def _phase_open(contest: Contest, kind: str, now: dt.datetime) -> bool:
    phase = Phase.objects.filter(contest=contest, kind=kind).first()
    return phase is not None and phase.is_open(now)


def _event(contest: Contest, kind: str, *, by, note: str = "", detail: str = "",
           voting_round: VotingRound | None = None) -> ContestEvent:
    return ContestEvent.objects.create(contest=contest, kind=kind, by=by if getattr(by, "is_authenticated", False)
                                       else None, note=note or "", detail=str(detail or ""), round=voting_round)


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _error(message, Code.NOTE_REQUIRED, "reason")
    return reason


# --- Entries -------------------------------------------------------------------------------------------

def _image_pairs(images: Iterable, default_alt: str) -> list[tuple[object, str]]:
    """Images come as files, as (file, alt text) pairs or as {"image": file, "alt_text": text} dicts."""
    pairs = []
    for item in images or ():
        if isinstance(item, dict):
            pairs.append((item["image"], item.get("alt_text") or default_alt))
        elif isinstance(item, tuple | list):
            pairs.append((item[0], (item[1] if len(item) > 1 else "") or default_alt))
        else:
            pairs.append((item, default_alt))
    return pairs


def _add_images(entry: Entry, pairs: list[tuple[object, str]]) -> None:
    """Every image passes the one upload check (core.uploads) and is stored under a random name."""
    start = entry.images.count()
    if start + len(pairs) > MAX_IMAGES:
        raise _error(_("An entry may have at most %(n)s images.") % {"n": MAX_IMAGES}, Code.TOO_MANY_IMAGES,
                     "images")
    checked = [check_upload(upload, kinds={IMAGE}, field="images") for upload, _alt in pairs]
    for position, (upload, (_file, alt)) in enumerate(zip(checked, pairs, strict=True), start=start):
        EntryImage.objects.create(entry=entry, image=upload.as_file(), alt_text=alt[:250], position=position)


@transaction.atomic
def submit_entry(*, contest: Contest, by, title: str, description: str, images: Sequence = (),
                 attachment=None, garden=None, relation: str = Nomination.Relation.RESIDENT,
                 reason: str = "") -> Entry:
    """Submit an entry (a design, or a garden's nomination) while the entries phase is open.

    `images` holds files, (file, alt text) pairs or dicts with `image` and `alt_text`. A garden already entered
    is not entered twice: the nomination is added to its entry, which counts its nominators.
    """
    if by is None or not by.is_authenticated or not by.is_active:
        raise PermissionDenied(_("Sign in to take part."))
    # Locking the contest serialises nominations, so two nominations of one garden meet in one entry.
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    now = timezone.now()
    if not _phase_open(contest, Phase.Kind.ENTRIES, now):
        raise _error(_("Entries and nominations are not open in this contest now."), Code.ENTRIES_CLOSED)
    errors = plugin_for(contest).clean_entry(contest=contest, garden=garden, by=by)
    if errors:
        raise ValidationError({field: ValidationError(message, code=str(Code.ENTRY_NOT_ELIGIBLE))
                               for field, message in errors.items()})
    pairs = _image_pairs(images, title or (str(garden.business) if garden is not None else ""))
    checked_attachment = check_upload(attachment, kinds={PDF}, field="attachment") if attachment else None

    if garden is not None:
        existing = Entry.objects.filter(contest=contest, garden=garden).first()
        if existing is not None:
            if Nomination.objects.filter(entry=existing, user=by).exists():
                raise _error(_("You have already nominated this garden."), Code.NOMINATION_REPEATED, "garden")
            Nomination.objects.create(entry=existing, user=by, relation=relation, reason=reason)
            if pairs:
                _add_images(existing, pairs)
            return existing
        title = title or f"{garden.business} · {garden.address}"

    entry = Entry(contest=contest, submitted_by=by, title=(title or "").strip(), description=description or "",
                  garden=garden, created_at=now)
    if checked_attachment is not None:
        entry.attachment = checked_attachment.as_file()
    entry.full_clean(exclude=["attachment", "contest", "garden", "submitted_by"])  # its codes kept
    entry.save()
    _add_images(entry, pairs)
    if garden is not None:
        Nomination.objects.create(entry=entry, user=by, relation=relation, reason=reason, created_at=now)
    return entry


def nominate_garden(*, contest: Contest, garden, by, relation: str = Nomination.Relation.RESIDENT,
                    reason: str = "", images: Sequence = ()) -> Entry:
    """Anyone with an account nominates a permitted garden; nominations of one garden merge into one entry."""
    return submit_entry(contest=contest, by=by, title="", description=reason, images=images, garden=garden,
                        relation=relation, reason=reason)


@transaction.atomic
def set_entry_status(*, entry: Entry, to: str, by, reason: str = "") -> Entry:
    """Move an entry along its workflow (staff only), record it in the history and e-mail the entrant.

    An entry that becomes ineligible leaves every round it is in (withdrawn, with the reason): its votes stay
    recorded but it takes no more and is out of the ranking.
    """
    if to not in S.values:
        raise _error(_("Unknown status."), Code.INVALID, "status")

    def guard(locked: Entry) -> None:
        if to == S.ELIGIBLE:
            problems = plugin_for(locked.contest).eligibility_problems(locked)
            if problems:
                raise _error(" ".join(problems), Code.ENTRY_NOT_ELIGIBLE, "status")

    def apply(locked: Entry) -> None:
        locked.ineligible_reason = (reason or "").strip() if to == S.INELIGIBLE else ""
        if to == S.INELIGIBLE:
            _withdraw_everywhere(locked, by=by, reason=locked.ineligible_reason)

    def notify(locked: Entry, change: EntryStatusChange) -> None:
        from .tasks import notify_entry_status

        notify_entry_status.delay(change.pk)

    ENTRY_WORKFLOW.move(obj=entry, to=to, by=by, note=reason, guard=guard, apply=apply, on_commit=notify,
                        select_related=("contest", "garden__season"))
    return entry


def _withdraw_everywhere(entry: Entry, *, by, reason: str) -> None:
    for round_entry in (RoundEntry.objects.select_for_update(of=("self",)).select_related("round__contest", "entry")
                        .filter(entry=entry, withdrawn_at__isnull=True)):
        _withdraw(round_entry, by=by, reason=reason)


def _withdraw(round_entry: RoundEntry, *, by, reason: str) -> RoundEntry:
    round_entry.withdrawn_at = timezone.now()
    round_entry.withdrawn_by = by if getattr(by, "is_authenticated", False) else None
    round_entry.withdrawn_reason = reason
    round_entry.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    _event(round_entry.round.contest, ContestEvent.Kind.ENTRY_WITHDRAWN, by=by, note=reason,
           detail=str(round_entry.entry), voting_round=round_entry.round)
    return round_entry


@transaction.atomic
def withdraw_round_entry(*, round_entry: RoundEntry, by, reason: str) -> RoundEntry:
    """Staff take an entry out of a round (e.g. its garden's permit was revoked): no more votes, out of the
    ranking; the votes it had stay recorded. Refused once the results are frozen."""
    round_entry = (RoundEntry.objects.select_for_update(of=("self",)).select_related("round__contest", "entry")
                   .get(pk=round_entry.pk))
    contest = round_entry.round.contest
    require_staff(by, contest)
    reason = _reason(reason, _("Give the reason why the entry leaves the round."))
    _refuse_if_frozen(contest)
    if round_entry.withdrawn_at is not None:
        raise _error(_("The entry has already left this round."), Code.ENTRY_NOT_ELIGIBLE, "entry")
    return _withdraw(round_entry, by=by, reason=reason)


def check_eligibility(*, entry: Entry, by) -> Entry:
    """Decide a submitted entry by its kind's rules: eligible, or ineligible with the problems as the reason."""
    problems = plugin_for(entry.contest).eligibility_problems(entry)
    if problems:
        return set_entry_status(entry=entry, to=Entry.Status.INELIGIBLE, by=by, reason=" ".join(problems))
    return set_entry_status(entry=entry, to=Entry.Status.ELIGIBLE, by=by)


# --- Phases --------------------------------------------------------------------------------------------

@transaction.atomic
def close_phase_early(*, phase: Phase, by) -> Phase:
    """Staff end an open phase now; the dates stay as they were, the early close is recorded."""
    phase = Phase.objects.select_for_update().select_related("contest").get(pk=phase.pk)
    require_staff(by, phase.contest)
    now = timezone.now()
    if not phase.is_open(now):
        raise _error(_("Only an open phase can be closed early."), Code.TRANSITION_NOT_ALLOWED)
    phase.closed_early_at = now
    phase.closed_early_by = by
    phase.save(update_fields=["closed_early_at", "closed_early_by"])
    return phase


# --- The commission ------------------------------------------------------------------------------------

def conflict_reason(*, juror: JuryMember, entry: Entry) -> str | None:
    """Why the juror may not judge the entry (their own entry, a business they belong to, a recorded conflict),
    or None."""
    if entry.submitted_by_id is not None and entry.submitted_by_id == juror.user_id:
        return _("You submitted this entry, so you cannot score it.")
    if entry.garden_id is not None:
        from centres.models import BusinessMembership

        if BusinessMembership.objects.filter(user_id=juror.user_id, business_id=entry.garden.business_id).exists():
            return _("You belong to the business of this garden, so you cannot score it.")
    if ConflictOfInterest.objects.filter(juror=juror, entry=entry).exists():
        return _("A conflict of interest is recorded for you and this entry, so you cannot score it.")
    return None


@transaction.atomic
def declare_conflict(*, juror: JuryMember, entry: Entry, reason: str) -> ConflictOfInterest:
    """A juror declares they must not judge an entry; from then on they cannot score it."""
    if entry.contest_id != juror.contest_id:
        raise _error(_("The entry is not in your contest."), Code.OUT_OF_SCOPE, "entry")
    reason = _reason(reason, _("Say briefly why (e.g. a relative runs this business)."))
    if Score.objects.filter(juror=juror, entry=entry).exists():
        raise _error(_("You have already scored this entry; ask the office to handle the conflict."),
                     Code.SCORE_REPEATED, "entry")
    try:
        with transaction.atomic():
            return ConflictOfInterest.objects.create(juror=juror, entry=entry, reason=reason)
    except IntegrityError:
        raise _error(_("You have already declared a conflict for this entry."), Code.CONFLICT_OF_INTEREST,
                     "entry") from None


@transaction.atomic
def record_conflict(*, juror: JuryMember, entry: Entry, by, reason: str) -> ConflictOfInterest:
    """Staff record a juror's conflict of interest. Scores the juror already gave the entry stay on record but
    stop counting (their reason says why)."""
    contest = Contest.objects.select_for_update().get(pk=juror.contest_id)
    require_staff(by, contest)
    if entry.contest_id != juror.contest_id:
        raise _error(_("The entry is not in this juror's contest."), Code.OUT_OF_SCOPE, "entry")
    reason = _reason(reason, _("Give the reason for the conflict of interest."))
    _refuse_if_frozen(contest)
    conflict, created = ConflictOfInterest.objects.get_or_create(
        juror=juror, entry=entry, defaults={"reason": reason, "recorded_by": by})
    if not created:
        raise _error(_("A conflict is already recorded for this juror and entry."), Code.CONFLICT_OF_INTEREST,
                     "entry")
    excluded = Score.objects.filter(juror=juror, entry=entry, excluded_reason="").update(
        excluded_reason=_("Conflict of interest recorded by the office: %(reason)s") % {"reason": reason})
    _event(contest, ContestEvent.Kind.CONFLICT_RECORDED, by=by, note=reason,
           detail=_("%(juror)s ≠ %(entry)s (%(n)s scores excluded)")
           % {"juror": juror.user, "entry": entry, "n": excluded})
    return conflict


@transaction.atomic
def score_entry(*, juror: JuryMember, entry: Entry, criterion: Criterion, value: Decimal,
                comment: str = "") -> Score:
    """Record a juror's one score of an entry on a criterion, while the review phase is open."""
    contest_id = juror.contest_id
    if entry.contest_id != contest_id:
        raise _error(_("The entry is not in your contest."), Code.OUT_OF_SCOPE, "entry")
    if criterion.contest_id != contest_id:
        raise _error(_("The criterion is not one of your contest's."), Code.OUT_OF_SCOPE, "criterion")
    if not _phase_open(juror.contest, Phase.Kind.REVIEW, timezone.now()):
        raise _error(_("Scoring is possible only while the commission's review is open."), Code.REVIEW_CLOSED)
    if entry.status not in ACCEPTED_STATUSES:
        raise _error(_("Only eligible entries are scored."), Code.ENTRY_NOT_ELIGIBLE, "entry")
    conflict = conflict_reason(juror=juror, entry=entry)
    if conflict:
        raise _error(conflict, Code.CONFLICT_OF_INTEREST, "entry")
    out_of_range = _("Give a score from 0 to %(max)s.") % {"max": criterion.max_score}
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise _error(out_of_range, Code.SCORE_OUT_OF_RANGE, "value") from None
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise _error(out_of_range, Code.SCORE_OUT_OF_RANGE, "value")
    try:
        with transaction.atomic():
            return Score.objects.create(juror=juror, entry=entry, criterion=criterion, value=value,
                                        comment=comment or "")
    except IntegrityError:
        raise _error(_("You have already scored this entry on this criterion."), Code.SCORE_REPEATED,
                     "criterion") from None


# --- Public vote ---------------------------------------------------------------------------------------

def _refuse_if_frozen(contest: Contest) -> None:
    if contest.results_frozen:
        raise _error(_("The results are published and frozen; open a correction first (with its reason)."),
                     Code.RESULTS_PUBLISHED)


def _voter_refusal(*, user, on_jury, eligibility: str, centre) -> str | None:
    """Why the user may not vote in a round (None: they may); `on_jury()` says whether they sit on its jury."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Sign in to vote.")
    if on_jury():
        return _("Members of this contest's commission do not vote in its public rounds.")
    if eligibility == VotingRound.Eligibility.CARDHOLDER:
        from loyalty.selectors import has_active_card

        if not has_active_card(user=user, centre=centre):
            return _("This round is open to active Moja Starówka cardholders only.")
    elif user.email_verified_at is None:
        return _("Confirm your e-mail address before voting.")
    return None


def voter_may_vote(*, voting_round: VotingRound, user) -> str | None:
    """None when the user may vote in the round, else the reason why not (shown to the user)."""
    return _voter_refusal(
        user=user, eligibility=voting_round.eligibility, centre=voting_round.contest.centre_id,
        on_jury=lambda: JuryMember.objects.filter(contest_id=voting_round.contest_id, user=user).exists())


def _vote_refusal(facts: selectors.RoundFacts | None, *, entry_id: int, voter,
                  now: dt.datetime) -> ValidationError | None:
    """The refusal of a vote by the round's facts, in the order people read them (None: the vote may go in)."""
    if facts is None:
        return _error(_("There is no such voting round."), Code.NOT_FOUND, "round")
    if not facts.is_open(now):
        return _error(_("Voting in this round is not open now."), Code.VOTING_CLOSED)
    reason = _voter_refusal(user=voter, eligibility=facts.eligibility, centre=facts.centre_id,
                            on_jury=lambda: voter.pk in facts.jurors)
    if reason:
        return _error(reason, Code.NOT_ELIGIBLE_VOTER)
    if entry_id not in facts.round_entries:
        return _error(_("This entry is not in this round."), Code.ENTRY_NOT_ELIGIBLE, "entry")
    if entry_id not in facts.votable:
        return _error(_("This entry cannot receive votes: it is no longer eligible."), Code.ENTRY_NOT_ELIGIBLE,
                      "entry")
    return None


# The vote's INSERT … SELECT is compiled once per contest kind and database (building and compiling the query
# costs more than running it): the values of one vote go into the slots marked by these stand-ins.
_SLOT_INTS = {"round": -7_000_001, "entry": -7_000_002, "contest": -7_000_003, "centre": -7_000_004,
              "voter": -7_000_005}
_SLOT_ELIGIBILITY = "__vote_eligibility__"
_SLOT_NOW = dt.datetime(1900, 1, 2, 3, 4, 5, 6789, tzinfo=dt.UTC)
_VOTE_INSERTS: dict[tuple[str, str], tuple[str, list]] = {}


def _vote_insert_sql(kind: str, connection) -> tuple[str, list]:
    """The vote's statement for contests of `kind`: (sql, params) where a param is a constant or a slot name.

    It finds the round entry only where the database agrees with every fact the vote was checked against: the
    round open now, with the same eligibility, contest, kind and centre; the entry in the round, not withdrawn,
    accepted and meeting its kind's ranking condition (plugins.ContestPlugin.ranking_condition); the voter not
    on the contest's jury. The round entry row is share-locked (PostgreSQL), so a withdrawal waits for the votes
    being written, and a vote arriving during a withdrawal waits for it and then finds the entry gone: they
    cannot cross, while votes for the same entry do not queue behind each other as they would behind FOR UPDATE.
    """
    key = (kind, connection.alias)
    if key in _VOTE_INSERTS:
        return _VOTE_INSERTS[key]
    ints = _SLOT_INTS
    source = (RoundEntry.objects
              .filter(round_id=ints["round"], entry_id=ints["entry"], withdrawn_at__isnull=True,
                      entry__status__in=ACCEPTED_STATUSES, round__starts_at__lte=_SLOT_NOW,
                      round__ends_at__gt=_SLOT_NOW, round__eligibility=_SLOT_ELIGIBILITY,
                      round__contest_id=ints["contest"], round__contest__kind=kind,
                      round__contest__centre_id=ints["centre"])
              .filter(plugin_for_kind(kind).ranking_condition("entry__"))
              .filter(~Exists(JuryMember.objects.filter(contest_id=ints["contest"], user_id=ints["voter"])))
              .order_by()
              .values_list("round_id", "entry_id", "pk", Value(ints["voter"], output_field=BigIntegerField()),
                           Value(_SLOT_NOW, output_field=DateTimeField()), Value("", output_field=TextField())))
    select, params = source.query.get_compiler(connection=connection).as_sql()
    slots = {value: name for name, value in ints.items()}
    slots[_SLOT_ELIGIBILITY] = "eligibility"
    slots[connection.ops.adapt_datetimefield_value(_SLOT_NOW)] = "now"
    marked = [slots.get(p, _Constant(p)) if isinstance(p, int | str | dt.datetime) else _Constant(p)
              for p in params]
    if {m for m in marked if isinstance(m, str)} != set(slots.values()):
        raise RuntimeError("The vote's statement lost a slot for one of its values.")
    qn = connection.ops.quote_name
    meta = Vote._meta
    columns = ", ".join(qn(meta.get_field(name).column)
                        for name in ("round", "entry", "round_entry", "voter", "created_at", "void_reason"))
    lock = f" FOR SHARE OF {qn(RoundEntry._meta.db_table)}" if connection.features.has_select_for_update_of else ""
    sql = (f"INSERT INTO {qn(meta.db_table)} ({columns}) {select}{lock} "
           f"RETURNING {qn(meta.pk.column)}, {qn(meta.get_field('round_entry').column)}")
    _VOTE_INSERTS[key] = (sql, marked)
    return sql, marked


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value) -> None:
        self.value = value


def _insert_vote(facts: selectors.RoundFacts, *, entry_id: int, voter, now: dt.datetime) -> tuple[int, int] | None:
    """Write the vote in one statement (`_vote_insert_sql`); the unique constraint (round, voter) decides one
    vote per voter, also under concurrency (IntegrityError). (vote id, round entry id), or None when the
    database disagreed with the facts and nothing was written."""
    connection = transaction.get_connection()
    sql, marked = _vote_insert_sql(facts.kind, connection)
    values = {"round": facts.pk, "entry": entry_id, "contest": facts.contest_id, "centre": facts.centre_id,
              "voter": voter.pk, "eligibility": facts.eligibility,
              "now": connection.ops.adapt_datetimefield_value(now)}
    params = [m.value if isinstance(m, _Constant) else values[m] for m in marked]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def cast_vote(*, voting_round: VotingRound | int, entry: Entry | int, voter) -> Vote:
    """One online vote per voter per round, for an entry open for voting in it (round and entry as objects or
    ids). The busiest write of the portal (voting day), so it costs one statement:

    - the round's facts (dates, eligibility, jury, entries) come from this process's memory
      (selectors.round_facts) and answer a refusal at once; the refusal is read again afresh before it is given,
      so an outdated fact never refuses a vote;
    - the vote is then one INSERT … SELECT (`_insert_vote`) that re-checks every fact it relied on in the
      database, with the round entry share-locked against a withdrawal, so an outdated fact never lets a vote
      in either; the unique constraint (round, voter) refuses a second vote, also when both arrive at once;
    - no transaction of its own: one statement is atomic by itself, and BEGIN and COMMIT would be two more round
      trips per vote (only an active-card round reads the card first). Inside a caller's transaction the insert
      runs in a savepoint, so a refused second vote leaves that transaction usable.

    No audit-log row is written for a vote (contests.apps): the vote row records who voted, for what and when;
    voiding it (an office action) is audited and recorded as a ContestEvent. Nor is a public cache area bumped
    (the insert sends no model signal): a new vote changes no cached answer, since results are public only as
    the snapshot published after the rounds ended, and live figures are shown to signed-in staff, never cached.
    """
    now = timezone.now()
    round_id, entry_id = _pk(voting_round), _pk(entry)
    facts, fresh = selectors.round_facts(round_id), False
    while True:
        refusal = _vote_refusal(facts, entry_id=entry_id, voter=voter, now=now)
        if refusal is not None and not fresh:  # an outdated fact must not refuse a vote: read them again
            facts, fresh = selectors.round_facts(round_id, fresh=True), True
            continue
        if refusal is not None:
            raise refusal
        try:
            if transaction.get_connection().in_atomic_block:
                with transaction.atomic():
                    written = _insert_vote(facts, entry_id=entry_id, voter=voter, now=now)
            else:
                written = _insert_vote(facts, entry_id=entry_id, voter=voter, now=now)
        except IntegrityError:
            raise _error(_("You have already voted in this round."), Code.VOTE_REPEATED) from None
        if written is not None:
            break
        if fresh:  # the database disagreed with facts just read: something changed meanwhile
            raise _error(_("This entry cannot receive votes: it is no longer eligible."), Code.ENTRY_NOT_ELIGIBLE,
                         "entry")
        facts, fresh = selectors.round_facts(round_id, fresh=True), True  # the facts kept were outdated
    vote_id, round_entry_id = written
    vote = Vote(pk=vote_id, round_id=round_id, entry_id=entry_id, round_entry_id=round_entry_id, voter=voter,
                created_at=now)
    vote._state.adding = False
    vote._state.db = transaction.get_connection().alias
    if isinstance(voting_round, VotingRound):
        vote.round = voting_round
    if isinstance(entry, Entry):
        vote.entry = entry
    return vote


@transaction.atomic
def void_vote(*, vote: Vote, by, reason: str) -> Vote:
    """Staff void a vote with a reason: it leaves the results but stays on record. Refused while the results
    are published and frozen."""
    vote = Vote.objects.select_for_update(of=("self",)).select_related("round__contest", "entry").get(pk=vote.pk)
    contest = vote.round.contest
    require_staff(by, contest)
    reason = _reason(reason, _("Give the reason for voiding the vote."))
    _refuse_if_frozen(contest)
    if vote.voided_at is not None:
        raise _error(_("This vote is already void."), Code.ALREADY_VOID)
    vote.voided_at = timezone.now()
    vote.voided_by = by
    vote.void_reason = reason
    vote.save(update_fields=["voided_at", "voided_by", "void_reason"])
    _event(contest, ContestEvent.Kind.VOTE_VOIDED, by=by, note=reason,
           detail=_("vote #%(id)s for “%(entry)s”") % {"id": vote.pk, "entry": vote.entry}, voting_round=vote.round)
    return vote


# --- Paper ballots -------------------------------------------------------------------------------------

def check_paper_ballots(*, voting_round: VotingRound, entry: Entry | None, place: str, count: int | None,
                        by, protocol_number: str = "", counted_by: str = "") -> None:
    """Who may enter a batch and what it must say; raises PermissionDenied or ValidationError."""
    require_staff(by, voting_round.contest)
    errors: dict[str, ValidationError] = {}
    if entry is None or not RoundEntry.objects.filter(round=voting_round, entry=entry).exists():
        errors["entry"] = ValidationError(_("This entry is not in this round."), code=str(Code.ENTRY_NOT_ELIGIBLE))
    if not (place or "").strip():
        errors["place"] = ValidationError(_("Name the ballot box or information point."), code=str(Code.REQUIRED))
    if not (protocol_number or "").strip():
        errors["protocol_number"] = ValidationError(_("Give the batch number from the ballot protocol."),
                                                    code=str(Code.REQUIRED))
    elif PaperBallotBatch.objects.filter(round=voting_round, protocol_number=protocol_number.strip(),
                                         reverses__isnull=True, reversed_at__isnull=True).exists():
        errors["protocol_number"] = ValidationError(
            _("Batch %(number)s is already entered in this round; reverse it first if it was wrong.")
            % {"number": protocol_number.strip()}, code=str(Code.BATCH_REPEATED))
    if not (counted_by or "").strip():
        errors["counted_by"] = ValidationError(_("Say who counted the ballots."), code=str(Code.REQUIRED))
    try:
        valid_count = count is not None and int(count) >= 1
    except (TypeError, ValueError):
        valid_count = False
    if not valid_count:
        errors["count"] = ValidationError(_("A batch counts at least one ballot."), code=str(Code.INVALID))
    if timezone.now() < voting_round.starts_at:
        errors[NON_FIELD_ERRORS] = ValidationError(_("The round has not started yet."), code=str(Code.VOTING_CLOSED))
    if voting_round.contest.results_frozen:
        errors[NON_FIELD_ERRORS] = ValidationError(
            _("The results are published and frozen; open a correction first (with its reason)."),
            code=str(Code.RESULTS_PUBLISHED))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_paper_ballots(*, voting_round: VotingRound, entry: Entry, place: str, count: int, by,
                      protocol_number: str = "", counted_by: str = "", note: str = "") -> PaperBallotBatch:
    """Staff enter a counted batch of paper ballots for one entry from one ballot box (recorded and audited).
    The protocol's batch number is unique in the round: the same batch is never counted twice."""
    contest = Contest.objects.select_for_update().get(pk=voting_round.contest_id)
    voting_round = VotingRound.objects.select_related("contest").get(pk=voting_round.pk)
    check_paper_ballots(voting_round=voting_round, entry=entry, place=place, count=count, by=by,
                        protocol_number=protocol_number, counted_by=counted_by)
    try:
        with transaction.atomic():
            batch = PaperBallotBatch.objects.create(
                round=voting_round, entry=entry, place=place.strip(), count=int(count),
                protocol_number=protocol_number.strip(), counted_by=counted_by.strip(), entered_by=by,
                note=note or "")
    except IntegrityError:
        raise _error(_("Batch %(number)s is already entered in this round; reverse it first if it was wrong.")
                     % {"number": protocol_number.strip()}, Code.BATCH_REPEATED, "protocol_number") from None
    _event(contest, ContestEvent.Kind.BALLOTS_ENTERED, by=by, note=note,
           detail=_("batch %(number)s, %(place)s, counted by %(person)s: %(count)s for “%(entry)s”")
           % {"number": batch.protocol_number, "place": batch.place, "person": batch.counted_by,
              "count": batch.count, "entry": entry}, voting_round=voting_round)
    return batch


@transaction.atomic
def reverse_paper_batch(*, batch: PaperBallotBatch, by, reason: str) -> PaperBallotBatch:
    """Correct a mistaken batch: a reversing batch with the count negated and the reason; nothing is deleted.
    The protocol number is free again for the right figures."""
    batch = (PaperBallotBatch.objects.select_for_update(of=("self",)).select_related("round__contest", "entry")
             .get(pk=batch.pk))
    contest = batch.round.contest
    require_staff(by, contest)
    reason = _reason(reason, _("Give the reason for reversing the batch."))
    _refuse_if_frozen(contest)
    if batch.reverses_id is not None:
        raise _error(_("A reversing batch cannot itself be reversed; enter the right figures instead."),
                     Code.INVALID, "batch")
    if batch.reversed_at is not None:
        raise _error(_("This batch is already reversed."), Code.BATCH_REPEATED, "batch")
    now = timezone.now()
    batch.reversed_at = now
    batch.save(update_fields=["reversed_at"])
    reversal = PaperBallotBatch.objects.create(
        round=batch.round, entry=batch.entry, place=batch.place, count=-batch.count,
        protocol_number=batch.protocol_number, counted_by=batch.counted_by, entered_by=by, entered_at=now,
        note=reason, reverses=batch)
    _event(contest, ContestEvent.Kind.BALLOTS_REVERSED, by=by, note=reason,
           detail=_("batch %(number)s: %(count)s for “%(entry)s” reversed")
           % {"number": batch.protocol_number, "count": batch.count, "entry": batch.entry},
           voting_round=batch.round)
    return reversal


@transaction.atomic
def record_protocol(*, voting_round: VotingRound, by, issued: int, returned: int, valid: int, void: int,
                    note: str = "") -> BallotProtocol:
    """Record (or re-record) the round's paper-ballot protocol totals. They are checked against each other and
    against the batches when the results are published, not here: the protocol is recorded as it was signed."""
    contest = Contest.objects.select_for_update().get(pk=voting_round.contest_id)
    require_staff(by, contest)
    _refuse_if_frozen(contest)
    figures = {"issued": issued, "returned": returned, "valid": valid, "void": void}
    errors = {}
    for name, value in figures.items():
        try:
            figures[name] = int(value)
            if figures[name] < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors[name] = ValidationError(_("Give a whole number, 0 or more."), code=str(Code.INVALID))
    if errors:
        raise ValidationError(errors)
    protocol, _created = BallotProtocol.objects.update_or_create(
        round_id=voting_round.pk, defaults={**figures, "recorded_by": by, "recorded_at": timezone.now(),
                                            "note": note or ""})
    _event(contest, ContestEvent.Kind.PROTOCOL_RECORDED, by=by, note=note,
           detail=_("issued %(issued)s, returned %(returned)s, valid %(valid)s, void %(void)s") % figures,
           voting_round=voting_round)
    return protocol


# --- Rounds and their rules ----------------------------------------------------------------------------

ROUND_FIELDS = ("number", "name", "starts_at", "ends_at", "eligibility", "eligible_voters")


def round_has_votes(voting_round: VotingRound) -> bool:
    """A round's rules freeze with its first vote (online or on paper)."""
    if voting_round.pk is None:
        return False
    return (Vote.objects.filter(round_id=voting_round.pk).exists()
            or PaperBallotBatch.objects.filter(round_id=voting_round.pk).exists())


def frozen_round_fields(voting_round: VotingRound, now: dt.datetime | None = None) -> list[str]:
    """The fields of a round that can no longer change (for the admin's read-only fields)."""
    if not round_has_votes(voting_round):
        return []
    now = now or timezone.now()
    frozen = ["number", "starts_at", "eligibility"]
    if voting_round.ends_at <= now:
        frozen.append("ends_at")
    return frozen


def _check_round_dates(starts_at, ends_at) -> None:
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        raise _error(_("A round must end after it starts."), Code.DATE_ORDER, "ends_at")


@transaction.atomic
def create_round(*, contest: Contest, by, number: int, starts_at: dt.datetime, ends_at: dt.datetime,
                 name: str = "", eligibility: str = VotingRound.Eligibility.VERIFIED_EMAIL,
                 eligible_voters: int | None = None) -> VotingRound:
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    require_staff(by, contest)
    _refuse_if_frozen(contest)
    _check_round_dates(starts_at, ends_at)
    voting_round = VotingRound(contest=contest, number=number, name=name or "", starts_at=starts_at,
                               ends_at=ends_at, eligibility=eligibility, eligible_voters=eligible_voters)
    try:
        voting_round.full_clean(exclude=["contest"])
    except ValidationError as exc:
        raise ValidationError(exc.error_dict) from exc
    voting_round.save()
    return voting_round


@transaction.atomic
def update_round(*, voting_round: VotingRound, by, **fields) -> VotingRound:
    """Change a round. Once it has a vote its start, eligibility and number are fixed and its end may only be
    extended, and only before it has passed (the rules people voted under stay the rules)."""
    voting_round = VotingRound.objects.select_for_update().select_related("contest").get(pk=voting_round.pk)
    contest = voting_round.contest
    require_staff(by, contest)
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise _error(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))}, Code.INVALID)
    changed = {k: v for k, v in fields.items() if getattr(voting_round, k) != v}
    if not changed:
        return voting_round
    now = timezone.now()
    if round_has_votes(voting_round):
        frozen = _("The round has votes: its rules cannot change any more (only its end may be extended, before "
                   "it passes).")
        errors = {name: ValidationError(frozen, code=str(Code.ROUND_FROZEN))
                  for name in ("number", "starts_at", "eligibility") if name in changed}
        if "ends_at" in changed:
            new_end = changed["ends_at"]
            if voting_round.ends_at <= now or new_end is None or new_end < voting_round.ends_at:
                errors["ends_at"] = ValidationError(frozen, code=str(Code.ROUND_FROZEN))
        if errors:
            raise ValidationError(errors)
    elif contest.results_frozen:
        _refuse_if_frozen(contest)
    for name, value in changed.items():
        setattr(voting_round, name, value)
    _check_round_dates(voting_round.starts_at, voting_round.ends_at)
    try:
        voting_round.full_clean(exclude=["contest"])
    except ValidationError as exc:
        raise ValidationError(exc.error_dict) from exc
    voting_round.save()
    _event(contest, ContestEvent.Kind.ROUND_CHANGED, by=by, voting_round=voting_round,
           detail=", ".join(f"{name}: {value}" for name, value in changed.items()))
    return voting_round


def _refuse_entry_list_change(voting_round: VotingRound) -> None:
    if round_has_votes(voting_round):
        raise _error(_("The round has votes: its entries cannot change any more."), Code.ROUND_FROZEN, "entries")
    if timezone.now() >= voting_round.starts_at:
        raise _error(_("The round has started; its entries cannot change."), Code.ROUND_FROZEN, "entries")


@transaction.atomic
def add_round_entries(*, voting_round: VotingRound, entries: Iterable[Entry], by) -> list[RoundEntry]:
    """Put accepted entries of the contest into a round that has not started (and has no vote)."""
    voting_round = VotingRound.objects.select_for_update().select_related("contest").get(pk=voting_round.pk)
    require_staff(by, voting_round.contest)
    _refuse_entry_list_change(voting_round)
    added = []
    for entry in entries:
        if entry.contest_id != voting_round.contest_id or entry.status not in ACCEPTED_STATUSES:
            raise _error(_("“%(entry)s” is not an accepted entry of this contest.") % {"entry": entry},
                         Code.ENTRY_NOT_ELIGIBLE, "entries")
        round_entry, _created = RoundEntry.objects.get_or_create(round=voting_round, entry=entry)
        added.append(round_entry)
    return added


@transaction.atomic
def remove_round_entry(*, round_entry: RoundEntry, by) -> None:
    """Take an entry out of a round that has not started and has no vote (afterwards: withdraw it)."""
    round_entry = RoundEntry.objects.select_related("round__contest").get(pk=round_entry.pk)
    voting_round = VotingRound.objects.select_for_update().select_related("contest").get(pk=round_entry.round_id)
    require_staff(by, voting_round.contest)
    _refuse_entry_list_change(voting_round)
    round_entry.delete()


def fill_round(*, voting_round: VotingRound, by, top: int = 8) -> list[RoundEntry]:
    """Fill a round with the best entries so far: the previous round's top `top` by votes (ties by the tie rule),
    or for the first round the shortlisted entries by the commission's ranking."""
    previous = (VotingRound.objects.filter(contest_id=voting_round.contest_id, number__lt=voting_round.number)
                .order_by("-number").first())
    if previous is not None:
        ranked = [row.entry for row in selectors.round_results(voting_round=previous)
                  if row.entry.status in ACCEPTED_STATUSES and row.withdrawn_at is None]
    else:
        ranked = [row.entry for row in selectors.commission_ranking(contest=voting_round.contest)
                  if row.entry.status in (Entry.Status.SHORTLISTED, Entry.Status.FINALIST)]
    return add_round_entries(voting_round=voting_round, entries=ranked[:top], by=by)


# --- Publication ---------------------------------------------------------------------------------------

def publication_problems(contest: Contest, now: dt.datetime | None = None) -> dict[str, tuple[str, Code]]:
    """What keeps the results from being published: {key: (message, code)}."""
    now = now or timezone.now()
    problems: dict[str, tuple[str, Code]] = {}
    if contest.rounds.filter(ends_at__gt=now).exists():
        problems["rounds"] = (_("A voting round has not ended yet."), Code.ROUND_NOT_ENDED)
    mismatches = [message for voting_round in contest.rounds.order_by("number")
                  for message in selectors.protocol_problems(voting_round)]
    if mismatches:
        problems["protocol"] = (" ".join(mismatches), Code.PROTOCOL_MISMATCH)
    if contest.uses_commission:
        missing = selectors.missing_scores(contest=contest)
        if missing:
            shown = "; ".join(f"{row['juror']}: {row['entry']} ({row['missing']})" for row in missing[:5])
            problems["scores"] = (_("The commission's scores are not complete (%(n)s missing: %(list)s).")
                                  % {"n": sum(r["missing"] for r in missing), "list": shown},
                                  Code.RESULTS_INCOMPLETE)
    return problems


@transaction.atomic
def publish_results(*, contest: Contest, by, reason: str = "") -> ResultPublication:
    """Publish the results: a snapshot of every figure (per round and entry: web votes, paper votes, voided,
    rank; the final ranking with the commission's score) that the public page reads from then on.

    The first publication needs no reason; a republication (after `open_correction`) is a new version with its
    reason, and the earlier versions stay readable. Refused while a round is running, the paper-ballot protocol
    disagrees or the commission's scores are incomplete (for contests the commission ranks).
    """
    contest = Contest.objects.select_for_update().select_related("centre").get(pk=contest.pk)
    require_staff(by, contest)
    if contest.results_frozen:
        raise _error(_("The results are already published; open a correction to republish them."),
                     Code.RESULTS_PUBLISHED)
    last = contest.publications.order_by("-version").first()
    version = (last.version + 1) if last else 1
    reason = (reason or "").strip() or (contest.correction_reason if version > 1 else "")
    if version > 1 and not reason:
        raise _error(_("Give the reason for the correction."), Code.NOTE_REQUIRED, "reason")
    now = timezone.now()
    problems = publication_problems(contest, now)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: [ValidationError(message, code=str(code))
                                                  for message, code in problems.values()]})
    results = selectors.compute_results(contest=contest)
    publication = ResultPublication.objects.create(
        contest=contest, version=version, published_at=now, published_by=by, reason=reason,
        ranking_method=contest.ranking_method, counting_rule=contest.counting_rule, tie_rule=contest.tie_rule,
        scoring_rule=contest.scoring_rule if contest.uses_commission else "",
        totals=[block.totals_json() for block in results.rounds])
    figures = []
    for block in results.rounds:
        for position, row in enumerate(block.rows):
            figures.append(ResultFigure(
                publication=publication, round_id=block.round.pk, entry_id=row.entry_id, title=row.title,
                rank=row.rank, web_votes=row.web_votes, paper_votes=row.paper_votes, voided=row.voided,
                total_votes=row.total_votes, percent=row.percent, out_reason=row.out_reason or "",
                position=position))
    for position, row in enumerate(results.ranking):
        figures.append(ResultFigure(
            publication=publication, round=None, entry_id=row.entry.pk, title=row.entry.title, rank=row.rank,
            web_votes=row.web_votes, paper_votes=row.paper_votes, voided=row.voided,
            total_votes=row.public_votes, jury_score=row.commission_score if contest.uses_commission else None,
            public_points=row.public_points if contest.uses_public_vote else None, final_score=row.final_score,
            position=position))
    ResultFigure.objects.bulk_create(figures)
    if version == 1:
        contest.results_published_by = by
        contest.results_published_at = now
    else:
        contest.results_published_at = contest.results_published_at or now
    contest.correction_opened_at = None
    contest.correction_reason = ""
    contest.save(update_fields=["results_published_at", "results_published_by", "correction_opened_at",
                                "correction_reason"])
    _event(contest, ContestEvent.Kind.RESULTS_PUBLISHED, by=by, note=reason,
           detail=_("version %(v)s") % {"v": version})
    return publication


@transaction.atomic
def open_correction(*, contest: Contest, by, reason: str) -> Contest:
    """Staff open a correction of published results, with the reason: votes may be voided and ballots entered or
    reversed again; the public page keeps showing the published version until the results are republished."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    require_staff(by, contest)
    reason = _reason(reason, _("Give the reason for the correction."))
    if contest.results_published_at is None:
        raise _error(_("The results are not published yet; there is nothing to correct."), Code.NOT_PUBLISHED)
    if contest.correction_opened_at is not None:
        raise _error(_("A correction is already open."), Code.TRANSITION_NOT_ALLOWED)
    contest.correction_opened_at = timezone.now()
    contest.correction_reason = reason
    contest.save(update_fields=["correction_opened_at", "correction_reason"])
    _event(contest, ContestEvent.Kind.CORRECTION_OPENED, by=by, note=reason)
    return contest
