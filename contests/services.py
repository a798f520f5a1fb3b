"""Writes of the contest engine. Each is atomic, checks who acts and when, and refuses with field messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from centres.selectors import is_staff_of

from .models import (
    ConflictOfInterest,
    Contest,
    Criterion,
    Entry,
    EntryImage,
    EntryStatusChange,
    JuryMember,
    Nomination,
    PaperBallotBatch,
    Phase,
    RoundEntry,
    Score,
    Vote,
    VotingRound,
)
from .plugins import plugin_for

MAX_IMAGES = 10
MAX_IMAGE_BYTES = 10 * 2**20
MAX_ATTACHMENT_BYTES = 20 * 2**20

# The entry workflow: the only moves staff can make. Anything else is refused.
ENTRY_TRANSITIONS: dict[str, set[str]] = {
    Entry.Status.SUBMITTED: {Entry.Status.ELIGIBLE, Entry.Status.INELIGIBLE},
    Entry.Status.ELIGIBLE: {Entry.Status.INELIGIBLE, Entry.Status.SHORTLISTED},
    Entry.Status.INELIGIBLE: {Entry.Status.ELIGIBLE},
    Entry.Status.SHORTLISTED: {Entry.Status.FINALIST, Entry.Status.ELIGIBLE, Entry.Status.INELIGIBLE},
    Entry.Status.FINALIST: {Entry.Status.WINNER, Entry.Status.SHORTLISTED},
    Entry.Status.WINNER: {Entry.Status.FINALIST},
}
# Entries that passed the eligibility check and may be judged or put to the vote.
ACCEPTED_STATUSES = (Entry.Status.ELIGIBLE, Entry.Status.SHORTLISTED, Entry.Status.FINALIST, Entry.Status.WINNER)



def _error(message: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: message})


def require_staff(user, contest: Contest) -> None:
    """Office staff of the contest's centre only."""
    if not is_staff_of(user, contest.centre_id):
        raise PermissionDenied(_("Only the office staff of this centre may do this."))


def _phase_open(contest: Contest, kind: str, now: dt.datetime) -> bool:
    phase = Phase.objects.filter(contest=contest, kind=kind).first()
    return phase is not None and phase.is_open(now)


# --- Entries -------------------------------------------------------------------------------------------

def _check_image(upload) -> None:
    from PIL import Image, UnidentifiedImageError

    if getattr(upload, "size", 0) > MAX_IMAGE_BYTES:
        raise _error(_("An image may be at most %(mb)s MB.") % {"mb": MAX_IMAGE_BYTES // 2**20}, "images")
    try:
        upload.seek(0)
        Image.open(upload).verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _error(_("“%(name)s” is not an image (use JPEG, PNG or WebP).")
                     % {"name": getattr(upload, "name", "?")}, "images") from None
    finally:
        upload.seek(0)


def _check_pdf(upload) -> None:
    name = getattr(upload, "name", "") or ""
    if getattr(upload, "size", 0) > MAX_ATTACHMENT_BYTES:
        raise _error(_("The PDF may be at most %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // 2**20}, "attachment")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if not name.lower().endswith(".pdf") or head != b"%PDF-":
        raise _error(_("The attachment must be a PDF file."), "attachment")


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
    start = entry.images.count()
    if start + len(pairs) > MAX_IMAGES:
        raise _error(_("An entry may have at most %(n)s images.") % {"n": MAX_IMAGES}, "images")
    for position, (upload, alt) in enumerate(pairs, start=start):
        _check_image(upload)
        EntryImage.objects.create(entry=entry, image=upload, alt_text=alt[:250], position=position)


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
        raise _error(_("Entries and nominations are not open in this contest now."))
    errors = plugin_for(contest).clean_entry(contest=contest, garden=garden, by=by)
    if errors:
        raise ValidationError(errors)
    pairs = _image_pairs(images, title or (str(garden.business) if garden is not None else ""))
    if attachment:
        _check_pdf(attachment)

    if garden is not None:
        existing = Entry.objects.filter(contest=contest, garden=garden).first()
        if existing is not None:
            if Nomination.objects.filter(entry=existing, user=by).exists():
                raise _error(_("You have already nominated this garden."), "garden")
            Nomination.objects.create(entry=existing, user=by, relation=relation, reason=reason)
            if pairs:
                _add_images(existing, pairs)
            return existing
        title = title or f"{garden.business} · {garden.address}"

    entry = Entry(contest=contest, submitted_by=by, title=(title or "").strip(), description=description or "",
                  garden=garden, created_at=now)
    if attachment:
        entry.attachment = attachment
    try:
        entry.full_clean(exclude=["attachment", "contest", "garden", "submitted_by"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
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
    """Move an entry along its workflow (staff only), record it in the history and e-mail the entrant."""
    entry = Entry.objects.select_for_update(of=("self",)).select_related("contest", "garden__season").get(pk=entry.pk)
    require_staff(by, entry.contest)
    if to not in Entry.Status.values:
        raise _error(_("Unknown status."), "to")
    if to not in ENTRY_TRANSITIONS.get(entry.status, set()):
        raise _error(_("An entry cannot go from “%(from)s” to “%(to)s”.")
                     % {"from": entry.get_status_display(), "to": Entry.Status(to).label}, "to")
    reason = (reason or "").strip()
    if to == Entry.Status.INELIGIBLE and not reason:
        raise _error(_("Give the reason why the entry is ineligible."), "reason")
    if to == Entry.Status.ELIGIBLE:
        problems = plugin_for(entry.contest).eligibility_problems(entry)
        if problems:
            raise _error(" ".join(problems), "to")
    change = EntryStatusChange.objects.create(entry=entry, from_status=entry.status, to_status=to, by=by, note=reason)
    entry.status = to
    entry.ineligible_reason = reason if to == Entry.Status.INELIGIBLE else ""
    entry.save(update_fields=["status", "ineligible_reason"])
    from .tasks import notify_entry_status

    notify_entry_status.delay_on_commit(change.pk)
    return entry


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
        raise _error(_("Only an open phase can be closed early."))
    phase.closed_early_at = now
    phase.closed_early_by = by
    phase.save(update_fields=["closed_early_at", "closed_early_by"])
    return phase


# --- The commission ------------------------------------------------------------------------------------

@transaction.atomic
def add_juror(*, contest: Contest, user, by, is_chair: bool = False) -> JuryMember:
    require_staff(by, contest)
    member, _created = JuryMember.objects.get_or_create(contest=contest, user=user, defaults={"is_chair": is_chair})
    return member


@transaction.atomic
def declare_conflict(*, juror: JuryMember, entry: Entry, reason: str) -> ConflictOfInterest:
    """A juror declares they must not judge an entry; from then on they cannot score it."""
    if entry.contest_id != juror.contest_id:
        raise _error(_("The entry is not in your contest."), "entry")
    reason = (reason or "").strip()
    if not reason:
        raise _error(_("Say briefly why (e.g. a relative runs this business)."), "reason")
    if Score.objects.filter(juror=juror, entry=entry).exists():
        raise _error(_("You have already scored this entry; ask the office to handle the conflict."), "entry")
    try:
        with transaction.atomic():
            return ConflictOfInterest.objects.create(juror=juror, entry=entry, reason=reason)
    except IntegrityError:
        raise _error(_("You have already declared a conflict for this entry."), "entry") from None


@transaction.atomic
def score_entry(*, juror: JuryMember, entry: Entry, criterion: Criterion, value: Decimal,
                comment: str = "") -> Score:
    """Record a juror's one score of an entry on a criterion, while the review phase is open."""
    contest_id = juror.contest_id
    if entry.contest_id != contest_id:
        raise _error(_("The entry is not in your contest."), "entry")
    if criterion.contest_id != contest_id:
        raise _error(_("The criterion is not one of your contest's."), "criterion")
    if not _phase_open(juror.contest, Phase.Kind.REVIEW, timezone.now()):
        raise _error(_("Scoring is possible only while the commission's review is open."))
    if entry.status not in ACCEPTED_STATUSES:
        raise _error(_("Only eligible entries are scored."), "entry")
    if ConflictOfInterest.objects.filter(juror=juror, entry=entry).exists():
        raise _error(_("You declared a conflict of interest for this entry and cannot score it."), "entry")
    value = Decimal(value)
    if value < 0 or value > criterion.max_score:
        raise _error(_("Give a score from 0 to %(max)s.") % {"max": criterion.max_score}, "value")
    try:
        with transaction.atomic():
            return Score.objects.create(juror=juror, entry=entry, criterion=criterion, value=value,
                                        comment=comment or "")
    except IntegrityError:
        raise _error(_("You have already scored this entry on this criterion."), "criterion") from None


# --- Public vote ---------------------------------------------------------------------------------------

def voter_may_vote(*, voting_round: VotingRound, user) -> str | None:
    """None when the user may vote in the round, else the reason why not (shown to the user)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Sign in to vote.")
    if voting_round.eligibility == VotingRound.Eligibility.CARDHOLDER:
        from loyalty.selectors import has_active_card

        if not has_active_card(user=user, centre=voting_round.contest.centre):
            return _("This round is open to active Moja Starówka cardholders only.")
    elif user.email_verified_at is None:
        return _("Confirm your e-mail address before voting.")
    return None


@transaction.atomic
def cast_vote(*, voting_round: VotingRound, entry: Entry, voter) -> Vote:
    """One online vote per voter per round: the database's unique constraint decides, also under concurrency."""
    now = timezone.now()
    if not voting_round.is_open(now):
        raise _error(_("Voting in this round is not open now."))
    refusal = voter_may_vote(voting_round=voting_round, user=voter)
    if refusal:
        raise _error(refusal)
    if not RoundEntry.objects.filter(round=voting_round, entry=entry).exists():
        raise _error(_("This entry is not in this round."), "entry")
    try:
        with transaction.atomic():
            return Vote.objects.create(round=voting_round, entry=entry, voter=voter, created_at=now)
    except IntegrityError:
        raise _error(_("You have already voted in this round.")) from None


@transaction.atomic
def void_vote(*, vote: Vote, by, reason: str) -> Vote:
    """Staff void a vote with a reason: it leaves the results but stays on record."""
    vote = Vote.objects.select_for_update().select_related("round__contest").get(pk=vote.pk)
    require_staff(by, vote.round.contest)
    reason = (reason or "").strip()
    if not reason:
        raise _error(_("Give the reason for voiding the vote."), "reason")
    if vote.voided_at is not None:
        raise _error(_("This vote is already void."))
    vote.voided_at = timezone.now()
    vote.voided_by = by
    vote.void_reason = reason
    vote.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return vote


def check_paper_ballots(*, voting_round: VotingRound, entry: Entry | None, place: str, count: int | None,
                        by) -> None:
    """Who may enter a batch and what it must say; raises PermissionDenied or ValidationError."""
    require_staff(by, voting_round.contest)
    errors = {}
    if entry is None or not RoundEntry.objects.filter(round=voting_round, entry=entry).exists():
        errors["entry"] = _("This entry is not in this round.")
    if not (place or "").strip():
        errors["place"] = _("Name the place where the ballots were cast.")
    if count is None or int(count) < 1:
        errors["count"] = _("A batch counts at least one ballot.")
    if timezone.now() < voting_round.starts_at:
        errors[NON_FIELD_ERRORS] = _("The round has not started yet.")
    if voting_round.contest.results_published_at is not None:
        errors[NON_FIELD_ERRORS] = _("The results are already published.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_paper_ballots(*, voting_round: VotingRound, entry: Entry, place: str, count: int, by,
                      note: str = "") -> PaperBallotBatch:
    """Staff enter a counted batch of paper ballots for one entry at one place (recorded and audited)."""
    voting_round = VotingRound.objects.select_related("contest").get(pk=voting_round.pk)
    check_paper_ballots(voting_round=voting_round, entry=entry, place=place, count=count, by=by)
    return PaperBallotBatch.objects.create(round=voting_round, entry=entry, place=place.strip(), count=int(count),
                                           entered_by=by, note=note or "")


@transaction.atomic
def add_round_entries(*, voting_round: VotingRound, entries: Iterable[Entry], by) -> list[RoundEntry]:
    """Put accepted entries of the contest into a round that has not started."""
    voting_round = VotingRound.objects.select_for_update().select_related("contest").get(pk=voting_round.pk)
    require_staff(by, voting_round.contest)
    if timezone.now() >= voting_round.starts_at:
        raise _error(_("The round has started; its entries cannot change."))
    added = []
    for entry in entries:
        if entry.contest_id != voting_round.contest_id or entry.status not in ACCEPTED_STATUSES:
            raise _error(_("“%(entry)s” is not an accepted entry of this contest.") % {"entry": entry}, "entries")
        round_entry, _created = RoundEntry.objects.get_or_create(round=voting_round, entry=entry)
        added.append(round_entry)
    return added


def fill_round(*, voting_round: VotingRound, by, top: int = 8) -> list[RoundEntry]:
    """Fill a round with the best entries so far: the previous round's top `top` by votes (ties by the tie rule),
    or for the first round the shortlisted entries by the commission's ranking."""
    from . import selectors

    previous = (VotingRound.objects.filter(contest_id=voting_round.contest_id, number__lt=voting_round.number)
                .order_by("-number").first())
    if previous is not None:
        ranked = [row.entry for row in selectors.round_results(voting_round=previous)]
    else:
        ranked = [row.entry for row in selectors.commission_ranking(contest=voting_round.contest)
                  if row.entry.status in (Entry.Status.SHORTLISTED, Entry.Status.FINALIST)]
    return add_round_entries(voting_round=voting_round, entries=ranked[:top], by=by)


@transaction.atomic
def publish_results(*, contest: Contest, by) -> Contest:
    """Staff publish the results once every round has ended; publishing is recorded and happens once."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    require_staff(by, contest)
    if contest.results_published_at is not None:
        raise _error(_("The results are already published."))
    now = timezone.now()
    if contest.rounds.filter(ends_at__gt=now).exists():
        raise _error(_("A voting round has not ended yet."))
    contest.results_published_at = now
    contest.results_published_by = by
    contest.save(update_fields=["results_published_at", "results_published_by"])
    return contest
