"""Writes of the gardens app: the fee, applications, attachments, the review workflow, permits and inspections."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centres.models import Business, BusinessMembership, FeeRate, Street, User, Zone
from centres.selectors import is_staff_of, rates_between, today

from .models import (
    AestheticRule,
    ApplicationHistory,
    Attachment,
    GardenApplication,
    GreenDiscountTier,
    GreeneryKind,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    PermitCounter,
    RuleDeclaration,
    Season,
)

Status = GardenApplication.Status
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
AREA_TOLERANCE_M2 = Decimal("0.10")
MAX_AREA_M2 = Decimal("1000")  # far above any real garden; keeps fees inside the database columns
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
PDF_TYPE = "application/pdf"

# --- The fee ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatePeriod:
    """Part of a garden's period under one rate: both ends counted."""

    start: dt.date
    end: dt.date
    days: int
    rate: Decimal
    amount: Decimal  # area × days × rate, unrounded (the breakdown shows it to the grosz)


@dataclass(frozen=True)
class FeeQuote:
    """The fee of a garden: rate periods, gross, the green discount, and the total rounded once at the end."""

    area_m2: Decimal
    start: dt.date
    end: dt.date
    days: int
    periods: list[RatePeriod]
    greenery_kinds: list[str]
    gross: Decimal
    discount_percent: Decimal
    discount: Decimal
    total: Decimal
    unrounded_total: Decimal = field(default=Decimal("0"))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (decimals and dates as strings), for storage on the application and for the API."""
        data = asdict(self)
        data.pop("unrounded_total")
        data["periods"] = [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), "days": p.days, "rate": str(p.rate),
             "amount": str(p.amount.quantize(CENT, ROUND_HALF_UP))} for p in self.periods
        ]
        for key in ("area_m2", "gross", "discount_percent", "discount", "total"):
            data[key] = str(data[key])
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def discount_percent(*, season: Season | None, kinds: int) -> Decimal:
    """The best tier the number of greenery kinds reaches; 0 with no tier (or no season)."""
    if season is None or kinds <= 0:
        return Decimal("0")
    tier = (GreenDiscountTier.objects.filter(season=season, min_kinds__lte=kinds).order_by("-min_kinds").first())
    return tier.percent if tier else Decimal("0")


def quote_fee(*, zone: Zone, area_m2: Decimal, start: dt.date, end: dt.date, greenery_kinds: Iterable[str],
              season: Season | None) -> FeeQuote:
    """Area × days (both ends counted) × the zone's café-garden rate on each day, minus the green discount.

    A rate that changes inside the period applies from its first day. A day with no rate in force is an error,
    never a zero. Only the total is rounded (to the grosz, half up), once, at the end.
    """
    area_m2 = Decimal(area_m2)
    errors: dict[str, str] = {}
    if area_m2 <= 0:
        errors["area_m2"] = _("The area must be greater than zero.")
    elif area_m2 > MAX_AREA_M2:
        errors["area_m2"] = _("The area cannot exceed %(max)s m².") % {"max": MAX_AREA_M2}
    if end < start:
        errors["period_end"] = _("The period must not end before it starts.")
    kinds = sorted(set(greenery_kinds))
    unknown = [k for k in kinds if k not in GreeneryKind.values]
    if unknown:
        errors["greenery"] = _("Unknown kind of greenery: %(kinds)s.") % {"kinds": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)

    periods: list[RatePeriod] = []
    cursor = start
    for rate in rates_between(zone=zone, use=FeeRate.Use.CAFE_GARDEN, start=start, end=end):
        if rate.valid_from > cursor:
            break  # a gap before this rate
        seg_end = min(end, rate.valid_to) if rate.valid_to else end
        if seg_end < cursor:
            continue
        days = (seg_end - cursor).days + 1
        periods.append(RatePeriod(start=cursor, end=seg_end, days=days, rate=rate.price_pln,
                                  amount=area_m2 * days * rate.price_pln))
        cursor = seg_end + dt.timedelta(days=1)
        if cursor > end:
            break
    if cursor <= end:
        raise ValidationError({"period_start": _("No café-garden rate is set for the zone “%(zone)s” from %(day)s.")
                               % {"zone": zone.name, "day": date_format(cursor, "DATE_FORMAT")}})

    gross = sum((p.amount for p in periods), Decimal("0"))
    percent = discount_percent(season=season, kinds=len(kinds))
    unrounded_total = gross - gross * percent / HUNDRED
    gross_r, total_r = _money(gross), _money(unrounded_total)
    return FeeQuote(area_m2=area_m2, start=start, end=end, days=(end - start).days + 1, periods=periods,
                    greenery_kinds=kinds, gross=gross_r, discount_percent=percent, discount=gross_r - total_r,
                    total=total_r, unrounded_total=unrounded_total)


def season_containing(*, centre_id: int, start: dt.date, end: dt.date) -> Season | None:
    """The centre's season one of whose windows holds the whole period."""
    for season in Season.objects.filter(centre_id=centre_id, year__in=[start.year - 1, start.year]):
        if any(w_start <= start and end <= w_end for w_start, w_end in season.windows()):
            return season
    return None


def quote_for_zone(*, zone: Zone, area_m2: Decimal, start: dt.date, end: dt.date,
                   greenery_kinds: Iterable[str]) -> FeeQuote:
    """A quote before applying: the season (and its discount tiers) follows from the period."""
    if end >= start:
        season = season_containing(centre_id=zone.centre_id, start=start, end=end)
        if season is None:
            raise ValidationError({"period_start": _("The period does not lie inside a garden season of the centre.")})
    else:
        season = None
    return quote_fee(zone=zone, area_m2=area_m2, start=start, end=end, greenery_kinds=greenery_kinds, season=season)


def _store_fee(application: GardenApplication, quote: FeeQuote) -> None:
    application.fee_days = quote.days
    application.fee_breakdown = quote.as_dict()
    application.fee_gross = quote.gross
    application.fee_discount_percent = quote.discount_percent
    application.fee_discount = quote.discount
    application.fee_total = quote.total


# --- Applications -------------------------------------------------------------------------------------

APPLICATION_FIELDS = (
    "zone", "street", "address", "placement", "area_m2", "length_m", "width_m", "period_start", "period_end",
    "pedestrian_width_m", "furniture", "tables", "seats", "umbrella_colour", "umbrella_height_m",
    "enclosure_height_m",
)
GREENERY_FIELDS = {
    GreeneryKind.TALL_PLANTS: ("declared_tall_plants", "confirmed_tall_plants"),
    GreeneryKind.PLANTERS: ("declared_planters", "confirmed_planters"),
    GreeneryKind.HANGING: ("declared_hanging", "confirmed_hanging"),
}


def validate_application(application: GardenApplication) -> None:
    """Every rule on the garden's data: place in the centre, dimensions, area limit, pedestrian width, period."""
    a = application
    errors: dict[str, str] = {}
    centre_id = a.business.centre_id
    if a.season.centre_id != centre_id:
        errors["season"] = _("The season belongs to another centre.")
    if a.zone.centre_id != centre_id:
        errors["zone"] = _("The zone belongs to another centre.")
    if a.street_id and a.street.zone_id != a.zone_id:
        errors["street"] = _("The street is not in the chosen zone.")
    if not (a.address or "").strip():
        errors["address"] = _("Give the address of the garden.")
    area, length, width = a.area_m2, a.length_m, a.width_m
    if area is None or area <= 0:
        errors["area_m2"] = _("The area must be greater than zero.")
    elif area > MAX_AREA_M2:
        errors["area_m2"] = _("The area cannot exceed %(max)s m².") % {"max": MAX_AREA_M2}
    if length is None or length <= 0:
        errors["length_m"] = _("The length must be greater than zero.")
    if width is None or width <= 0:
        errors["width_m"] = _("The width must be greater than zero.")
    if "area_m2" not in errors and "length_m" not in errors and "width_m" not in errors:
        product = length * width
        if abs(product - area) > AREA_TOLERANCE_M2:
            errors["area_m2"] = _("The area %(area)s m² does not match length × width = %(product)s m².") % {
                "area": area, "product": _money(product)}
        elif a.zone.max_garden_area_m2 is not None and area > a.zone.max_garden_area_m2:
            errors["area_m2"] = _("The area exceeds the zone's maximum of %(max)s m².") % {
                "max": a.zone.max_garden_area_m2}
    minimum = a.zone.pedestrian_width_minimum
    if a.pedestrian_width_m is None or a.pedestrian_width_m < minimum:
        errors["pedestrian_width_m"] = _("At least %(min)s m of pavement must stay free for pedestrians.") % {
            "min": minimum}
    if a.period_start and a.period_end:
        if a.period_end < a.period_start:
            errors["period_end"] = _("The period must not end before it starts.")
        elif not any(s <= a.period_start and a.period_end <= e for s, e in a.season.windows()):
            windows = "; ".join(f"{date_format(s, 'DATE_FORMAT')} – {date_format(e, 'DATE_FORMAT')}"
                                for s, e in a.season.windows())
            errors["period_start"] = _("The period must lie inside a window of the %(year)s season: %(windows)s.") % {
                "year": a.season.year, "windows": windows}
    else:
        errors["period_start"] = _("Give the period of the garden.")
    for name in ("umbrella_height_m", "enclosure_height_m"):
        value = getattr(a, name)
        if value is not None and value < 0:
            errors[name] = _("The height cannot be negative.")
    if errors:
        raise ValidationError(errors)


def _require_manager(*, user: User, business: Business) -> None:
    if not BusinessMembership.objects.filter(user=user, business=business,
                                             role__in=BusinessMembership.MANAGING_ROLES).exists():
        raise PermissionDenied(_("Only the business's owner or a manager may do this."))


def _require_staff(*, user: User, application: GardenApplication) -> None:
    if not is_staff_of(user, application.season.centre_id):
        raise PermissionDenied(_("Only the office staff of this centre may do this."))


def _apply_fields(application: GardenApplication, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(APPLICATION_FIELDS) - {"greenery"}
    if unknown:
        raise ValueError(f"Unknown application fields: {sorted(unknown)}")
    for name in APPLICATION_FIELDS:
        if name in data:
            setattr(application, name, data[name])
    if "greenery" in data:
        kinds = set(data["greenery"] or [])
        unknown_kinds = kinds - set(GreeneryKind.values)
        if unknown_kinds:
            raise ValidationError({"greenery": _("Unknown kind of greenery: %(kinds)s.")
                                   % {"kinds": ", ".join(sorted(unknown_kinds))}})
        for kind, (declared, _confirmed) in GREENERY_FIELDS.items():
            setattr(application, declared, kind in kinds)


def _quote_declared(application: GardenApplication) -> FeeQuote:
    return quote_fee(zone=application.zone, area_m2=application.area_m2, start=application.period_start,
                     end=application.period_end, greenery_kinds=application.declared_greenery_kinds(),
                     season=application.season)


def _record(application: GardenApplication, *, from_status: str, to_status: str, by: User | None,
            note: str = "") -> ApplicationHistory:
    return ApplicationHistory.objects.create(application=application, from_status=from_status, to_status=to_status,
                                             by=by, note=note)


@transaction.atomic
def create_application(*, business: Business, season: Season, by: User,
                       declarations: Mapping[int, tuple[bool, str]] | None = None,
                       previous: GardenApplication | None = None, **data: Any) -> GardenApplication:
    """A draft application of a business for a season, by its owner or a manager."""
    _require_manager(user=by, business=business)
    if not season.is_open:
        raise ValidationError({"season": _("The %(year)s season is not open for applications.") % {"year": season.year}})
    application = GardenApplication(business=business, season=season, created_by=by, previous=previous,
                                    status=Status.DRAFT)
    data = dict(data)
    data.setdefault("zone", business.zone)
    _apply_fields(application, data)
    validate_application(application)
    _store_fee(application, _quote_declared(application))
    application.save()
    _record(application, from_status="", to_status=Status.DRAFT, by=by, note=_("Application created."))
    if declarations:
        set_declarations(application=application, by=by, declarations=declarations)
    return application


@transaction.atomic
def update_application(*, application: GardenApplication, by: User,
                       declarations: Mapping[int, tuple[bool, str]] | None = None, **data: Any) -> GardenApplication:
    """Edit a draft or an application sent back for changes; the fee estimate follows the new data."""
    application = GardenApplication.objects.select_for_update(of=("self",)).select_related(
        "business", "season", "zone", "street").get(pk=application.pk)
    _require_manager(user=by, business=application.business)
    if not application.is_editable:
        raise ValidationError({"status": _("Only a draft or an application sent back for changes can be edited.")})
    _apply_fields(application, data)
    validate_application(application)
    _store_fee(application, _quote_declared(application))
    application.save()
    if declarations:
        set_declarations(application=application, by=by, declarations=declarations)
    return application


@transaction.atomic
def set_declarations(*, application: GardenApplication, by: User,
                     declarations: Mapping[int, tuple[bool, str]]) -> list[RuleDeclaration]:
    """The applicant's compliance with each rule (rule id → (complies, comment)); a breach needs a comment."""
    _require_manager(user=by, business=application.business)
    if not application.is_editable:
        raise ValidationError({"status": _("Only a draft or an application sent back for changes can be edited.")})
    rules = {r.pk: r for r in AestheticRule.objects.filter(season_id=application.season_id, is_active=True)}
    errors = []
    for rule_id, (complies, comment) in declarations.items():
        rule = rules.get(int(rule_id))
        if rule is None:
            errors.append(_("Rule %(id)s is not a rule of this season.") % {"id": rule_id})
        elif not complies and not (comment or "").strip():
            errors.append(_("Explain in a comment why the garden does not keep rule “%(rule)s”.") % {"rule": rule.code})
    if errors:
        raise ValidationError({"declarations": errors})
    result = []
    for rule_id, (complies, comment) in declarations.items():
        declaration, _created = RuleDeclaration.objects.update_or_create(
            application=application, rule_id=int(rule_id),
            defaults={"complies": bool(complies), "comment": (comment or "").strip()})
        result.append(declaration)
    return result


def _check_upload(*, kind: str, upload: Any) -> tuple[bytes, str]:
    """The file's bytes and true content type; refuses oversized files and anything that is not what it claims."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // 2**20}})
    content = upload.read()
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // 2**20}})
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    guess = filetype.guess(content[:8192])
    mime = guess.mime if guess else ""
    allowed = IMAGE_TYPES | {PDF_TYPE} if kind == Attachment.Kind.SITE_PLAN else IMAGE_TYPES
    if mime not in allowed:
        message = (_("The site plan must be a PDF or an image (JPEG, PNG or WebP).") if kind == Attachment.Kind.SITE_PLAN
                   else _("Upload an image (JPEG, PNG or WebP)."))
        raise ValidationError({"file": message})
    if mime in IMAGE_TYPES:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
        except Exception:
            raise ValidationError({"file": _("The image is damaged or not an image.")}) from None
    elif not content.startswith(b"%PDF-"):
        raise ValidationError({"file": _("The file is not a valid PDF.")})
    return content, mime


@transaction.atomic
def add_attachment(*, application: GardenApplication, kind: str, upload: Any, by: User) -> Attachment:
    """A site plan (PDF or image) or a photo (image), checked by content, stored privately under the application."""
    _require_manager(user=by, business=application.business)
    if not application.is_editable:
        raise ValidationError({"status": _("Attachments can be added only to a draft or while changes are requested.")})
    if kind not in Attachment.Kind.values:
        raise ValidationError({"kind": _("Choose a site plan or a photo.")})
    content, mime = _check_upload(kind=kind, upload=upload)
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(application=application, kind=kind, original_name=name, content_type=mime,
                            size=len(content), uploaded_by=by)
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(*, attachment: Attachment, by: User) -> None:
    _require_manager(user=by, business=attachment.application.business)
    if not attachment.application.is_editable:
        raise ValidationError({"status": _("Attachments can be removed only from a draft or while changes are requested.")})
    attachment.file.delete(save=False)
    attachment.delete()


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def start_from_permit(*, permit: GardenApplication, season: Season, by: User) -> GardenApplication:
    """Next season's draft in one step: the permit's garden, greenery, declarations and attachments copied."""
    _require_manager(user=by, business=permit.business)
    if permit.status not in (Status.APPROVED,):
        raise ValidationError({"from": _("Only an approved permit can be the start of a new application.")})
    if season.year <= permit.season.year or season.centre_id != permit.season.centre_id:
        raise ValidationError({"season": _("Choose a later season of the same centre.")})
    years = season.year - permit.season.year
    start, end = _shift_year(permit.period_start, years), _shift_year(permit.period_end, years)
    if not any(s <= start and end <= e for s, e in season.windows()):
        start, end = season.summer_start, season.summer_end
    data = {name: getattr(permit, name) for name in APPLICATION_FIELDS}
    data.update(period_start=start, period_end=end, greenery=permit.declared_greenery_kinds())
    application = create_application(business=permit.business, season=season, by=by, previous=permit, **data)
    codes = {r.code: r.pk for r in AestheticRule.objects.filter(season=season, is_active=True)}
    declarations = {codes[d.rule.code]: (d.complies, d.comment)
                    for d in permit.declarations.select_related("rule") if d.rule.code in codes}
    if declarations:
        set_declarations(application=application, by=by, declarations=declarations)
    for old in permit.attachments.all():
        copy = Attachment(application=application, kind=old.kind, original_name=old.original_name,
                          content_type=old.content_type, size=old.size, uploaded_by=by)
        with old.file.open("rb") as handle:
            copy.file.save(old.original_name, ContentFile(handle.read()), save=False)
        copy.save()
    return application


# --- The review workflow ------------------------------------------------------------------------------

OWNER, STAFF = "owner", "staff"

# The one table of allowed moves: (from, to) → who may make it.
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): OWNER,
    (Status.DRAFT, Status.WITHDRAWN): OWNER,
    (Status.SUBMITTED, Status.IN_REVIEW): STAFF,
    (Status.SUBMITTED, Status.WITHDRAWN): OWNER,
    (Status.IN_REVIEW, Status.APPROVED): STAFF,
    (Status.IN_REVIEW, Status.REJECTED): STAFF,
    (Status.IN_REVIEW, Status.CHANGES_REQUESTED): STAFF,
    (Status.IN_REVIEW, Status.WITHDRAWN): OWNER,
    (Status.CHANGES_REQUESTED, Status.SUBMITTED): OWNER,
    (Status.CHANGES_REQUESTED, Status.WITHDRAWN): OWNER,
    (Status.APPROVED, Status.REVOKED): STAFF,
}
NOTE_REQUIRED = {Status.CHANGES_REQUESTED, Status.REJECTED, Status.REVOKED}


def allowed_moves(application: GardenApplication, user: User) -> list[str]:
    """The statuses this user may move the application to now (for buttons and the API)."""
    is_staff = is_staff_of(user, application.season.centre_id)
    is_manager = bool(user and user.is_authenticated) and BusinessMembership.objects.filter(
        user=user, business_id=application.business_id, role__in=BusinessMembership.MANAGING_ROLES).exists()
    may = {STAFF: is_staff, OWNER: is_manager}
    return [target for (source, target), actor in TRANSITIONS.items()
            if source == application.status and may[actor]]


def _next_permit_number(*, season: Season) -> tuple[int, str]:
    """Gapless per centre and year: the counter row is locked until the approval commits (or rolls back)."""
    PermitCounter.objects.get_or_create(centre_id=season.centre_id, year=season.year)
    counter = PermitCounter.objects.select_for_update().get(centre_id=season.centre_id, year=season.year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{season.centre.code}/OG/{season.year}/{counter.last_number:04d}"


def _check_ready_to_submit(application: GardenApplication) -> None:
    validate_application(application)
    errors: dict[str, Any] = {}
    declared = set(application.declarations.values_list("rule_id", flat=True))
    missing = AestheticRule.objects.filter(season_id=application.season_id, is_active=True).exclude(pk__in=declared)
    if missing.exists():
        errors["declarations"] = _("Declare compliance with every rule: %(codes)s.") % {
            "codes": ", ".join(missing.values_list("code", flat=True))}
    if not application.attachments.filter(kind=Attachment.Kind.SITE_PLAN).exists():
        errors["attachments"] = _("Attach a site plan (PDF or image).")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def transition(*, application: GardenApplication, to: str, by: User, note: str = "",
               confirmed_greenery: Iterable[str] | None = None) -> ApplicationHistory:
    """The one way to change an application's status: lock, check the move and the actor, record, notify.

    Approval needs the greenery staff confirmed (only that counts for the discount) and issues the permit
    number; asking for changes, rejecting and revoking need a note.
    """
    locked = (GardenApplication.objects.select_for_update(of=("self",))
              .select_related("business", "season", "season__centre", "zone", "street").get(pk=application.pk))
    source = locked.status
    actor = TRANSITIONS.get((source, to))
    if actor is None:
        raise ValidationError({"status": _("An application cannot go from “%(from)s” to “%(to)s”.") % {
            "from": Status(source).label, "to": Status(to).label if to in Status.values else to}})
    if actor == STAFF:
        _require_staff(user=by, application=locked)
    else:
        _require_manager(user=by, business=locked.business)
    note = (note or "").strip()
    if to in NOTE_REQUIRED and not note:
        raise ValidationError({"note": _("Give a reason in the note.")})
    now = timezone.now()
    if to == Status.SUBMITTED:
        _check_ready_to_submit(locked)
        _store_fee(locked, _quote_declared(locked))
        locked.submitted_at = now
    elif to == Status.APPROVED:
        kinds = set(confirmed_greenery or [])
        unknown = kinds - set(GreeneryKind.values)
        if unknown:
            raise ValidationError({"confirmed_greenery": _("Unknown kind of greenery: %(kinds)s.")
                                   % {"kinds": ", ".join(sorted(unknown))}})
        for kind, (_declared, confirmed) in GREENERY_FIELDS.items():
            setattr(locked, confirmed, kind in kinds)
        _store_fee(locked, quote_fee(zone=locked.zone, area_m2=locked.area_m2, start=locked.period_start,
                                     end=locked.period_end, greenery_kinds=kinds, season=locked.season))
        locked.permit_sequence, locked.permit_number = _next_permit_number(season=locked.season)
        locked.decided_at = now
    elif to == Status.REJECTED:
        locked.decided_at = now
    elif to == Status.REVOKED:
        locked.revoked_at = now
        locked.revocation_reason = note
    locked.status = to
    locked.save()
    entry = _record(locked, from_status=source, to_status=to, by=by, note=note)
    from .tasks import notify_status_change

    notify_status_change.delay_on_commit(locked.pk, entry.pk)
    # The caller's object follows the new state.
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return entry


# --- Inspections --------------------------------------------------------------------------------------

@transaction.atomic
def record_inspection(*, application: GardenApplication, by: User, inspected_on: dt.date,
                      results: Mapping[int, tuple[bool, str]], note: str = "",
                      photos: Iterable[Any] = ()) -> Inspection:
    """An inspection of a permitted garden with the result per rule (kept or breached) and photos."""
    _require_staff(user=by, application=application)
    errors: dict[str, Any] = {}
    if application.status != Status.APPROVED:
        errors["application"] = _("Only a garden with a valid permit can be inspected.")
    if inspected_on > today():
        errors["inspected_on"] = _("The inspection date cannot be in the future.")
    rules = set(AestheticRule.objects.filter(season_id=application.season_id).values_list("pk", flat=True))
    foreign = [str(r) for r in results if int(r) not in rules]
    if foreign:
        errors["results"] = _("Not rules of this season: %(ids)s.") % {"ids": ", ".join(foreign)}
    if not results:
        errors["results"] = _("Record the result of at least one rule.")
    checked_photos = []
    for photo in photos:
        try:
            checked_photos.append((photo, _check_upload(kind=Attachment.Kind.PHOTO, upload=photo)[0]))
        except ValidationError as exc:
            errors["photos"] = exc.message_dict["file"]
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(application=application, inspected_on=inspected_on, inspector=by,
                                           note=(note or "").strip())
    InspectionResult.objects.bulk_create([
        InspectionResult(inspection=inspection, rule_id=int(rule_id), kept=bool(kept), note=(rnote or "")[:300])
        for rule_id, (kept, rnote) in results.items()])
    for photo, content in checked_photos:
        item = InspectionPhoto(inspection=inspection)
        item.file.save(getattr(photo, "name", "photo.jpg"), ContentFile(content), save=False)
        item.save()
    return inspection


def breached_rules(inspection: Inspection) -> list[AestheticRule]:
    return [r.rule for r in inspection.results.select_related("rule") if not r.kept]


def street_choices(*, zone: Zone) -> list[Street]:
    return list(zone.streets.order_by("name"))
