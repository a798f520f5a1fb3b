"""Writes of the mural register. Each is atomic, checks who acts, and refuses with field messages.

The mural workflow is one table of moves on core.workflow (`MURAL_WORKFLOW`); `change_mural_status` makes a
move. Design submissions go through the contest engine (`contests.services.submit_entry`); every upload passes
the one check (core.uploads) and is stored under a random name with its sniffed extension. Every refusal carries
a code (core.errors.Code).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from centres.models import Business, Centre, Street, Zone
from centres.selectors import is_staff_of
from contests.models import Contest, Entry, Phase
from core.errors import Code, refusal
from core.money import round_money
from core.uploads import IMAGE, PDF, check_upload
from core.workflow import Move, Workflow

from .models import Artist, Mural, MuralPhoto, MuralStatusChange, Wall

MAX_DESIGN_IMAGES = 6

S = Mural.Status
# The mural workflow: the only moves allowed. A wall in the Old Town needs the monuments conservator's approval
# before painting starts, so "planned" cannot go straight to "being painted". "Removed" is final.
MURAL_TRANSITIONS: dict[str, set[str]] = {
    S.PLANNED: {S.APPROVED, S.REMOVED},
    S.APPROVED: {S.BEING_PAINTED, S.PLANNED, S.REMOVED},
    S.BEING_PAINTED: {S.COMPLETED, S.APPROVED},
    S.COMPLETED: {S.NEEDS_MAINTENANCE, S.REMOVED},
    S.NEEDS_MAINTENANCE: {S.COMPLETED, S.BEING_PAINTED, S.REMOVED},
    S.REMOVED: set(),
}
# Moves that must say why.
NOTE_REQUIRED = {S.REMOVED, S.NEEDS_MAINTENANCE}

MURAL_WORKFLOW = Workflow(
    model=Mural, history=MuralStatusChange, subject_field="mural",
    moves=[Move(source, target, "staff", note_required=target in NOTE_REQUIRED)
           for source, targets in MURAL_TRANSITIONS.items() for target in sorted(targets)],
    actors={"staff": lambda user, mural: is_staff_of(user, mural.centre_id)},
)
# The code of each field a place or link check names (mural_problems, wall_problems).
PROBLEM_CODES = {"trail_order": Code.TRAIL_PLACE_TAKEN, "latitude": Code.INVALID, "longitude": Code.INVALID}


def _error(message: str, field: str = NON_FIELD_ERRORS, code: Code = Code.INVALID) -> ValidationError:
    return refusal(field, message, code)


def _refuse_problems(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationError({field: ValidationError(message, code=str(PROBLEM_CODES.get(field, Code.OUT_OF_SCOPE)))
                               for field, message in errors.items()})


def require_staff(user, centre_id: int) -> None:
    """Office staff of the centre only."""
    if not is_staff_of(user, centre_id):
        raise PermissionDenied(_("Only the office staff of this centre may do this."))


def _round(value: Decimal) -> Decimal:
    return round_money(value)


def unique_slug(model, centre: Centre, text: str, exclude_pk: int | None = None) -> str:
    """A slug from the text, unique within the centre (suffixes -2, -3... when taken)."""
    base = slugify(text.replace("ł", "l").replace("Ł", "L"))[:190] or "mural"
    taken = set(model.objects.filter(centre=centre, slug__startswith=base).exclude(pk=exclude_pk)
                .values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _full_clean(obj, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=list(exclude))  # the model's ValidationError as it is, its codes kept


# --- Artists -------------------------------------------------------------------------------------------

@transaction.atomic
def get_or_create_artist(*, centre: Centre, name: str, website: str = "") -> Artist:
    """The centre's artist of this name (matched case-insensitively), created when new."""
    name = " ".join((name or "").split())
    if not name:
        raise _error(_("Give the artist's name."), "name", Code.REQUIRED)
    found = Artist.objects.filter(centre=centre, name__iexact=name).first()
    if found is not None:
        return found
    artist = Artist(centre=centre, name=name, website=website or "", slug=unique_slug(Artist, centre, name))
    _full_clean(artist)
    artist.save()
    return artist


@transaction.atomic
def create_artist(*, centre: Centre, by, name: str, website: str = "") -> Artist:
    require_staff(by, centre.pk)
    return get_or_create_artist(centre=centre, name=name, website=website)


@transaction.atomic
def update_artist(*, artist: Artist, by, **fields) -> Artist:
    require_staff(by, artist.centre_id)
    for name in ("name", "website"):
        if name in fields:
            setattr(artist, name, fields[name] or "")
    _full_clean(artist)
    artist.save()
    return artist


# --- Walls ---------------------------------------------------------------------------------------------

def _check_place(centre: Centre, street: Street | None, zone: Zone | None) -> dict[str, str]:
    errors = {}
    if street is not None and street.centre_id != centre.pk:
        errors["street"] = _("This street is not in the centre.")
    if zone is not None and zone.centre_id != centre.pk:
        errors["zone"] = _("This zone is not in the centre.")
    return errors


def _check_contest(centre: Centre, contest: Contest | None, wall_pk: int | None = None) -> dict[str, str]:
    if contest is None:
        return {}
    if contest.centre_id != centre.pk:
        return {"contest": _("This contest is not in the centre.")}
    if contest.kind != Contest.Kind.MURAL_DESIGN:
        return {"contest": _("Only a mural-design contest can be linked to a wall.")}
    if Wall.objects.filter(contest=contest).exclude(pk=wall_pk).exists():
        return {"contest": _("This contest is already linked to another wall.")}  # code: out_of_scope
    return {}


WALL_FIELDS = ("address", "street", "zone", "building_owner", "width_m", "height_m", "constraints_pl",
               "constraints_en", "photo", "photo_alt", "contest")


@transaction.atomic
def save_wall(*, by, centre: Centre | None = None, wall: Wall | None = None, **fields) -> Wall:
    """Create a wall (give `centre`) or change one (give `wall`); staff of its centre only.

    The zone follows the street unless given; a linked contest must be a mural-design contest of the centre.
    """
    if wall is None:
        if centre is None:
            raise _error(_("Choose the centre."), "centre", Code.REQUIRED)
        wall = Wall(centre=centre)
    require_staff(by, wall.centre_id)
    photo = fields.get("photo")
    if photo and isinstance(photo, UploadedFile):
        fields["photo"] = check_upload(photo, kinds={IMAGE}, field="photo").as_file()
    for name in WALL_FIELDS:
        if name in fields:
            setattr(wall, name, fields[name] if fields[name] is not None or name in
                    ("street", "zone", "contest") else "")
    if wall.street_id and not wall.zone_id:
        wall.zone = wall.street.zone
    _refuse_problems(wall_problems(wall))
    _full_clean(wall)
    wall.save()
    return wall


def entries_open(wall: Wall) -> bool:
    """Whether the wall's design contest takes designs now."""
    from django.utils import timezone

    if wall.contest_id is None:
        return False
    phase = Phase.objects.filter(contest_id=wall.contest_id, kind=Phase.Kind.ENTRIES).first()
    return phase is not None and phase.is_open(timezone.now())


# --- Design submission ---------------------------------------------------------------------------------

def submit_design(*, wall: Wall, by, title: str, description: str, images: Sequence,
                  attachment=None) -> Entry:
    """An artist (any signed-in person) submits a design for the wall while its contest takes entries.

    `images` holds files or (file, alt text) pairs. The files are checked here, then the contest engine records
    the entry (it checks the phase again under a lock).
    """
    if by is None or not by.is_authenticated or not by.is_active:
        raise PermissionDenied(_("Sign in to take part."))
    if wall.contest_id is None:
        raise _error(_("This wall has no design contest."), code=Code.WALL_NO_CONTEST)
    if not entries_open(wall):
        raise _error(_("The design contest for this wall is not taking designs now."), code=Code.ENTRIES_CLOSED)
    pairs = [item if isinstance(item, tuple | list) else (item, "") for item in images or ()]
    if not pairs:
        raise _error(_("Add at least one image of the design."), "images", Code.REQUIRED)
    if len(pairs) > MAX_DESIGN_IMAGES:
        raise _error(_("Add at most %(n)s images.") % {"n": MAX_DESIGN_IMAGES}, "images", Code.TOO_MANY_IMAGES)
    checked = [check_upload(upload, kinds={IMAGE}, field="images") for upload, _alt in pairs]
    if attachment:
        attachment = check_upload(attachment, kinds={PDF}, field="attachment").as_file()
    from contests.services import submit_entry

    return submit_entry(contest=wall.contest, by=by, title=title, description=description,
                        images=[(upload.as_file(), alt or title) for upload, (_f, alt) in zip(checked, pairs, strict=True)],
                        attachment=attachment or None)


# --- Murals --------------------------------------------------------------------------------------------

MURAL_FIELDS = ("title", "wall", "address", "zone", "year", "area_m2", "description_pl", "description_en",
                "latitude", "longitude", "trail_order")
NULLABLE = {"wall", "zone", "latitude", "longitude", "trail_order"}


def mural_problems(mural: Mural, artists: Iterable[Artist] | None,
                   sponsors: Iterable[Business] | None) -> dict[str, str]:
    """What is wrong with a mural's links and places (also used by the admin form): field -> message."""
    errors = _check_place(mural.centre, None, mural.zone)
    if mural.wall is not None and mural.wall.centre_id != mural.centre_id:
        errors["wall"] = _("This wall is not in the centre.")
    if artists is not None and any(a.centre_id != mural.centre_id for a in artists):
        errors["artists"] = _("Choose artists of this centre.")
    if sponsors is not None and any(b.centre_id != mural.centre_id for b in sponsors):
        errors["sponsors"] = _("Choose businesses of this centre.")
    if (mural.latitude is None) != (mural.longitude is None):
        errors["longitude" if mural.longitude is None else "latitude"] = _(
            "Give both latitude and longitude, or neither.")
    if mural.trail_order is not None and Mural.objects.filter(
            centre_id=mural.centre_id, trail_order=mural.trail_order).exclude(pk=mural.pk).exists():
        errors["trail_order"] = _("Another mural already has this place on the trail.")
    return errors


def wall_problems(wall: Wall) -> dict[str, str]:
    """What is wrong with a wall's street, zone and contest (also used by the admin form): field -> message."""
    errors = _check_place(wall.centre, wall.street, wall.zone)
    errors.update(_check_contest(wall.centre, wall.contest, wall.pk))
    return errors


def _check_mural(mural: Mural, artists: Iterable[Artist] | None, sponsors: Iterable[Business] | None) -> None:
    _refuse_problems(mural_problems(mural, artists, sponsors))


def _save_mural(mural: Mural, artists, sponsors) -> Mural:
    if mural.wall is not None:
        mural.address = mural.address or mural.wall.address
        mural.zone = mural.zone or mural.wall.zone
    if mural.area_m2 is not None:
        mural.area_m2 = _round(mural.area_m2)
    _check_mural(mural, artists, sponsors)
    if not mural.slug:
        mural.slug = unique_slug(Mural, mural.centre, mural.title)
    _full_clean(mural, exclude=["winning_entry"])
    try:
        with transaction.atomic():
            mural.save()
    except IntegrityError:  # a concurrent save took the trail position
        raise _error(_("Another mural already has this place on the trail."), "trail_order",
                     Code.TRAIL_PLACE_TAKEN) from None
    if artists is not None:
        mural.artists.set(artists)
    if sponsors is not None:
        mural.sponsors.set(sponsors)
    return mural


@transaction.atomic
def create_mural(*, centre: Centre, by, title: str, year: int, area_m2: Decimal, address: str = "",
                 artists: Iterable[Artist] = (), sponsors: Iterable[Business] = (), **fields) -> Mural:
    """Add a mural to the register as planned (staff of the centre). Its status then moves by the workflow."""
    require_staff(by, centre.pk)
    mural = Mural(centre=centre, title=(title or "").strip(), year=year, area_m2=area_m2, address=address or "")
    for name in MURAL_FIELDS:
        if name in fields:
            setattr(mural, name, fields[name] if fields[name] is not None or name in NULLABLE else "")
    mural = _save_mural(mural, list(artists), list(sponsors))
    record_registration(mural=mural, by=by)
    return mural


@transaction.atomic
def update_mural(*, mural: Mural, by, artists: Iterable[Artist] | None = None,
                 sponsors: Iterable[Business] | None = None, **fields) -> Mural:
    """Change a mural's details (not its status: see `change_mural_status`)."""
    mural = Mural.objects.select_for_update().get(pk=mural.pk)
    require_staff(by, mural.centre_id)
    for name in MURAL_FIELDS:
        if name in fields:
            setattr(mural, name, fields[name] if fields[name] is not None or name in NULLABLE else "")
    return _save_mural(mural, None if artists is None else list(artists),
                       None if sponsors is None else list(sponsors))


@transaction.atomic
def record_registration(*, mural: Mural, by, note: str = "") -> MuralStatusChange:
    """The first line of a mural's history when it was entered directly (e.g. in the admin)."""
    require_staff(by, mural.centre_id)
    return MuralStatusChange.objects.create(mural=mural, from_status="", to_status=mural.status, by=by,
                                            note=note or _("Added to the register."))


@transaction.atomic
def change_mural_status(*, mural: Mural, to: str, by, note: str = "") -> Mural:
    """Move a mural along its workflow (core.workflow: lock, check the move and the actor, record who/when/why)
    and tell the sponsors once the move is committed. A removed mural leaves the trail and frees its place."""
    require_staff(by, mural.centre_id)
    if to not in Mural.Status.values:
        raise _error(_("Unknown status."), "status")

    def apply(locked: Mural) -> None:
        if to == S.REMOVED:
            locked.trail_order = None

    def notify(locked: Mural, change: MuralStatusChange) -> None:
        from .tasks import notify_status_change

        notify_status_change.delay(change.pk)

    MURAL_WORKFLOW.move(obj=mural, to=to, by=by, note=note, apply=apply, on_commit=notify)
    return mural


@transaction.atomic
def add_photo(*, mural: Mural, by, image, alt_pl: str, alt_en: str = "", credit: str = "") -> MuralPhoto:
    require_staff(by, mural.centre_id)
    image = check_upload(image, kinds={IMAGE}, field="image").as_file()
    if not (alt_pl or "").strip():
        raise _error(_("Say what the photo shows."), "alt_pl", Code.REQUIRED)
    position = mural.photos.count()
    return MuralPhoto.objects.create(mural=mural, image=image, alt_pl=alt_pl.strip(), alt_en=(alt_en or "").strip(),
                                     credit=credit or "", position=position)


# --- From a winning design to the register -------------------------------------------------------------

def _entrant_name(entry: Entry) -> str:
    user = entry.submitted_by
    if user is None:
        return _("Unknown artist")
    return user.get_full_name() or user.email.split("@")[0]


@transaction.atomic
def create_mural_from_winner(*, entry: Entry, by) -> Mural:
    """The winning design of a mural-design contest becomes a planned mural in the register.

    Title, artist (the entrant's name), wall, year and images (copied as photos) come from the entry and its
    contest. Refused unless the entry won a mural-design contest and has no mural yet.
    """
    entry = (Entry.objects.select_for_update(of=("self",)).select_related("contest", "submitted_by")
             .get(pk=entry.pk))
    contest = entry.contest
    require_staff(by, contest.centre_id)
    if contest.kind != Contest.Kind.MURAL_DESIGN:
        raise _error(_("Only a design from a mural-design contest can become a mural."), "entry",
                     Code.NOT_WINNING_ENTRY)
    if entry.status != Entry.Status.WINNER:
        raise _error(_("Only the winning design can become a mural."), "entry", Code.NOT_WINNING_ENTRY)
    if Mural.objects.filter(winning_entry=entry).exists():
        raise _error(_("This design already has its mural in the register."), "entry", Code.MURAL_EXISTS)
    wall = Wall.objects.filter(contest=contest).select_related("zone").first()
    if wall is None:
        raise _error(_("Link the contest to its wall first: the mural needs the wall."), "entry",
                     Code.WALL_NO_CONTEST)
    artist = get_or_create_artist(centre=contest.centre, name=_entrant_name(entry))
    mural = Mural(centre=contest.centre, title=entry.title, slug=unique_slug(Mural, contest.centre, entry.title),
                  wall=wall, address=wall.address, zone=wall.zone, year=contest.year, area_m2=wall.area_m2,
                  description_pl=entry.description, winning_entry=entry)
    _full_clean(mural, exclude=["winning_entry"])
    try:
        with transaction.atomic():
            mural.save()
    except IntegrityError:
        raise _error(_("This design already has its mural in the register."), "entry", Code.MURAL_EXISTS) from None
    mural.artists.add(artist)
    for position, image in enumerate(entry.images.all()):
        with image.image.open("rb") as fh:
            content = ContentFile(fh.read(), name=os.path.basename(image.image.name))
        MuralPhoto.objects.create(mural=mural, image=content, alt_pl=image.alt_text or entry.title,
                                  credit=artist.name, position=position)
    MuralStatusChange.objects.create(
        mural=mural, from_status="", to_status=mural.status, by=by,
        note=_("Made from the winning design of “%(contest)s”.") % {"contest": contest.title_pl})
    return mural
