"""Writes of the gardens app: the fee, applications, attachments, the review workflow, permits and inspections."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from stdnum import iban as stdnum_iban

from centres.models import Business, BusinessMembership, FeeRate, User, Zone
from centres.selectors import is_staff_of, rates_between
from core.dates import today
from core.errors import Code, deny, refusal, refuse
from core.money import round_money
from core.uploads import IMAGE, PDF, check_upload
from core.workflow import Move, Workflow

from . import geometry
from .models import (
    AestheticRule,
    ApplicationHistory,
    Attachment,
    GardenApplication,
    GreenDiscountTier,
    GreeneryEvidence,
    GreeneryKind,
    Inspection,
    InspectionPhoto,
    InspectionResult,
    PermitCounter,
    RuleDeclaration,
    Season,
)
from .places import find_place

Status = GardenApplication.Status
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
AREA_TOLERANCE_M2 = Decimal("0.10")
MAX_AREA_M2 = Decimal("1000")  # far above any real garden; keeps fees inside the database columns

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
    return round_money(value)


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
    errors: dict[str, tuple[str, Code]] = {}
    if area_m2 <= 0:
        errors["area_m2"] = (_("The area must be greater than zero."), Code.INVALID)
    elif area_m2 > MAX_AREA_M2:
        errors["area_m2"] = (_("The area cannot exceed %(max)s m².") % {"max": MAX_AREA_M2}, Code.ZONE_LIMIT)
    if end < start:
        errors["period_end"] = (_("The period must not end before it starts."), Code.DATE_ORDER)
    kinds = sorted(set(greenery_kinds))
    unknown = [k for k in kinds if k not in GreeneryKind.values]
    if unknown:
        errors["greenery"] = (_("Unknown kind of greenery: %(kinds)s.") % {"kinds": ", ".join(unknown)}, Code.INVALID)
    refuse(errors)

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
        raise refusal("period_start", _("No café-garden rate is set for the zone “%(zone)s” from %(day)s.")
                      % {"zone": zone.name, "day": date_format(cursor, "DATE_FORMAT")}, Code.OUTSIDE_SEASON)

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
            raise refusal("period_start", _("The period does not lie inside a garden season of the centre."),
                          Code.OUTSIDE_SEASON)
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
    "zone", "street", "address", "building_number", "placement", "outline", "area_m2", "length_m", "width_m",
    "period_start", "period_end", "pedestrian_width_m", "furniture", "tables", "seats", "umbrella_colour",
    "furniture_colour", "umbrella_height_m", "enclosure_height_m",
)
GREENERY_FIELDS = {
    GreeneryKind.TALL_PLANTS: ("declared_tall_plants", "confirmed_tall_plants"),
    GreeneryKind.PLANTERS: ("declared_planters", "confirmed_planters"),
    GreeneryKind.HANGING: ("declared_hanging", "confirmed_hanging"),
}
Measure = AestheticRule.Measure


def _fold(text: str) -> str:
    return " ".join((text or "").casefold().replace("é", "e").replace("è", "e").split())


def _normalise_place(a: GardenApplication, errors: dict[str, tuple[str, Code]]) -> None:
    """The street from the zone's list and the building number; the text address is read only to find them."""
    streets = list(a.zone.streets.all()) if a.zone_id else []
    chosen = a.street if a.street_id else None
    place = find_place(address=a.address, streets=streets, chosen=chosen, number=a.building_number or "")
    if place.street is not None and streets and place.street.zone_id == a.zone_id:
        a.street = place.street
    elif streets:
        errors["street"] = (_("Choose the street from the zone's list."), Code.INVALID)
    if not place.number:
        errors["building_number"] = (_("Give the building number the garden stands at."), Code.REQUIRED)
    a.building_number = place.number
    a.place_key = place.key


def rule_breaches(application: GardenApplication, rules: Iterable[AestheticRule]) -> dict[str, tuple[str, Code]]:
    """Each measurable rule the garden's values break, with the rule's own title, by the field that breaks it."""
    a = application
    errors: dict[str, tuple[str, Code]] = {}
    for rule in rules:
        if not rule.is_active or not rule.measure:
            continue
        limit = rule.limit
        if rule.measure == Measure.UMBRELLA_HEIGHT_MAX and limit is not None and a.umbrella_height_m is not None \
                and a.umbrella_height_m > limit:
            errors["umbrella_height_m"] = (_("“%(rule)s”: umbrellas may be at most %(limit)s m high, the application "
                                             "gives %(value)s m.") % {"rule": rule.title, "limit": limit,
                                                                       "value": a.umbrella_height_m},
                                           Code.RULE_BREACHED)
        elif rule.measure == Measure.ENCLOSURE_HEIGHT_MAX and limit is not None \
                and a.enclosure_height_m is not None and a.enclosure_height_m > limit:
            errors["enclosure_height_m"] = (_("“%(rule)s”: the enclosure may be at most %(limit)s m high, the "
                                              "application gives %(value)s m.") % {
                "rule": rule.title, "limit": limit, "value": a.enclosure_height_m}, Code.RULE_BREACHED)
        elif rule.measure == Measure.COLOUR_PALETTE and rule.palette_colours():
            allowed = {_fold(c) for c in rule.palette_colours()}
            for name in ("umbrella_colour", "furniture_colour"):
                value = getattr(a, name)
                if value and _fold(value) not in allowed:
                    errors[name] = (_("“%(rule)s”: “%(value)s” is not in the palette (%(palette)s).") % {
                        "rule": rule.title, "value": value, "palette": ", ".join(rule.palette_colours())},
                        Code.RULE_BREACHED)
        elif rule.measure == Measure.PAVEMENT_MIN:
            minimum = max(a.zone.pedestrian_width_minimum, limit or Decimal("0"))
            if a.pedestrian_width_m is not None and a.pedestrian_width_m < minimum:
                errors["pedestrian_width_m"] = (_("“%(rule)s”: at least %(limit)s m of pavement must stay free, the "
                                                  "application leaves %(value)s m.") % {
                    "rule": rule.title, "limit": minimum, "value": a.pedestrian_width_m}, Code.RULE_BREACHED)
        elif rule.measure == Measure.GREENERY_MIN:
            needed = int(limit or 1)
            if len(a.declared_greenery_kinds()) < needed:
                errors["greenery"] = (_("“%(rule)s”: at least %(limit)s kind(s) of live greenery, the application "
                                        "declares %(value)s.") % {"rule": rule.title, "limit": needed,
                                                                  "value": len(a.declared_greenery_kinds())},
                                      Code.RULE_BREACHED)
    return errors


def validate_application(application: GardenApplication, *, rules: Iterable[AestheticRule] | None = None) -> None:
    """Every rule on the garden's data: place in the centre, dimensions, the zone's limits, the period, the outline,
    and the season's measurable rules (the active ones now, unless `rules` are given)."""
    a = application
    errors: dict[str, tuple[str, Code]] = {}
    centre_id = a.business.centre_id
    if a.season.centre_id != centre_id:
        errors["season"] = (_("The season belongs to another centre."), Code.OUT_OF_SCOPE)
    if a.zone.centre_id != centre_id:
        errors["zone"] = (_("The zone belongs to another centre."), Code.OUT_OF_SCOPE)
    if a.street_id and a.street.zone_id != a.zone_id:
        errors["street"] = (_("The street is not in the chosen zone."), Code.INVALID)
    if not (a.address or "").strip() and not (a.building_number or "").strip():
        errors["address"] = (_("Give the address of the garden."), Code.REQUIRED)
    elif "street" not in errors:
        _normalise_place(a, errors)
    area, length, width = a.area_m2, a.length_m, a.width_m
    if length is None or length <= 0:
        errors["length_m"] = (_("The length must be greater than zero."), Code.INVALID)
    if width is None or width <= 0:
        errors["width_m"] = (_("The width must be greater than zero."), Code.INVALID)
    if area is None and "length_m" not in errors and "width_m" not in errors:
        area = a.area_m2 = _money(length * width)
    if area is None or area <= 0:
        errors["area_m2"] = (_("The area must be greater than zero."), Code.INVALID)
    elif area > MAX_AREA_M2:
        errors["area_m2"] = (_("The area cannot exceed %(max)s m².") % {"max": MAX_AREA_M2}, Code.ZONE_LIMIT)
    if not {"area_m2", "length_m", "width_m"} & set(errors):
        product = length * width
        if abs(product - area) > AREA_TOLERANCE_M2:
            errors["area_m2"] = (_("The area %(area)s m² does not match length × width = %(product)s m².") % {
                "area": area, "product": _money(product)}, Code.INVALID)
        elif a.zone.max_garden_area_m2 is not None and area > a.zone.max_garden_area_m2:
            errors["area_m2"] = (_("The area exceeds the zone's maximum of %(max)s m².") % {
                "max": a.zone.max_garden_area_m2}, Code.ZONE_LIMIT)
    minimum = a.zone.pedestrian_width_minimum
    if a.pedestrian_width_m is None or a.pedestrian_width_m < minimum:
        errors["pedestrian_width_m"] = (_("At least %(min)s m of pavement must stay free for pedestrians.") % {
            "min": minimum}, Code.ZONE_LIMIT)
    if a.period_start and a.period_end:
        if a.period_end < a.period_start:
            errors["period_end"] = (_("The period must not end before it starts."), Code.DATE_ORDER)
        elif not any(s <= a.period_start and a.period_end <= e for s, e in a.season.windows()):
            windows = "; ".join(f"{date_format(s, 'DATE_FORMAT')} – {date_format(e, 'DATE_FORMAT')}"
                                for s, e in a.season.windows())
            errors["period_start"] = (_("The period must lie inside a window of the %(year)s season: %(windows)s.")
                                      % {"year": a.season.year, "windows": windows}, Code.OUTSIDE_SEASON)
    else:
        errors["period_start"] = (_("Give the period of the garden."), Code.REQUIRED)
    for name in ("umbrella_height_m", "enclosure_height_m"):
        value = getattr(a, name)
        if value is not None and value < 0:
            errors[name] = (_("The height cannot be negative."), Code.INVALID)
    if a.outline:
        try:
            a.outline = geometry.clean_outline(a.outline)
            a.outline_area_m2 = geometry.area_m2(a.outline)
        except ValidationError as exc:
            errors["outline"] = (exc.message_dict["outline"][0], Code.OUTLINE_INVALID)
    else:
        a.outline, a.outline_area_m2 = None, None
    if rules is None:
        rules = AestheticRule.objects.filter(season_id=a.season_id, is_active=True)
    for name, error in rule_breaches(a, rules).items():
        errors.setdefault(name, error)
    refuse(errors)


def _is_manager(user: User | None, business_id: int) -> bool:
    return bool(user and user.is_authenticated) and BusinessMembership.objects.filter(
        user=user, business_id=business_id, role__in=BusinessMembership.MANAGING_ROLES).exists()


def _require_manager(*, user: User, business: Business) -> None:
    if not _is_manager(user, business.pk):
        raise deny(_("Only the business's owner or a manager may do this."))


def _require_staff(*, user: User, application: GardenApplication) -> None:
    if not is_staff_of(user, application.season.centre_id):
        raise deny(_("Only the office staff of this centre may do this."))


def _require_editable(application: GardenApplication) -> None:
    if not application.is_editable:
        raise refusal("status", _("Only a draft or an application sent back for changes can be edited."),
                      Code.TRANSITION_NOT_ALLOWED)


def _apply_fields(application: GardenApplication, data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(APPLICATION_FIELDS) - {"greenery"}
    if unknown:
        raise ValueError(f"Unknown application fields: {sorted(unknown)}")
    for name in APPLICATION_FIELDS:
        if name in data:
            value = data[name]
            if name in ("address", "building_number", "placement", "furniture", "umbrella_colour",
                        "furniture_colour"):
                value = (value or "").strip()
            setattr(application, name, value)
    if "greenery" in data:
        kinds = set(data["greenery"] or [])
        unknown_kinds = kinds - set(GreeneryKind.values)
        if unknown_kinds:
            raise refusal("greenery", _("Unknown kind of greenery: %(kinds)s.")
                          % {"kinds": ", ".join(sorted(unknown_kinds))}, Code.INVALID)
        for kind, (declared, _confirmed) in GREENERY_FIELDS.items():
            setattr(application, declared, kind in kinds)


def _quote_declared(application: GardenApplication) -> FeeQuote:
    return quote_fee(zone=application.zone, area_m2=application.area_m2, start=application.period_start,
                     end=application.period_end, greenery_kinds=application.declared_greenery_kinds(),
                     season=application.season)


@transaction.atomic
def create_application(*, business: Business, season: Season, by: User,
                       declarations: Mapping[int, tuple[bool, str]] | None = None,
                       previous: GardenApplication | None = None, **data: Any) -> GardenApplication:
    """A draft application of a business for a season, by its owner or a manager."""
    _require_manager(user=by, business=business)
    if not season.is_open:
        raise refusal("season", _("The %(year)s season is not open for applications.") % {"year": season.year},
                      Code.OUTSIDE_SEASON)
    application = GardenApplication(business=business, season=season, created_by=by, previous=previous,
                                    status=Status.DRAFT)
    data = dict(data)
    data.setdefault("zone", business.zone)
    if data.get("street") is None and business.street_id and business.street.zone_id == getattr(
            data["zone"], "pk", None):
        data["street"] = business.street  # the business's own street, unless the address names another
    _apply_fields(application, data)
    validate_application(application)
    _store_fee(application, _quote_declared(application))
    application.save()
    ApplicationHistory.objects.create(application=application, from_status="", to_status=Status.DRAFT, by=by)
    if declarations:
        set_declarations(application=application, by=by, declarations=declarations)
    return application


@transaction.atomic
def update_application(*, application: GardenApplication, by: User,
                       declarations: Mapping[int, tuple[bool, str]] | None = None, **data: Any) -> GardenApplication:
    """The owner changes a draft (or an application sent back for changes)."""
    _require_manager(user=by, business=application.business)
    _require_editable(application)
    data = {k: v for k, v in data.items() if not (k == "street" and v is None)}  # no street given: the same one
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
    _require_editable(application)
    rules = {r.pk: r for r in AestheticRule.objects.filter(season_id=application.season_id, is_active=True)}
    errors = []
    for rule_id, (complies, comment) in declarations.items():
        rule = rules.get(int(rule_id))
        if rule is None:
            errors.append(ValidationError(_("Rule %(id)s is not a rule of this season.") % {"id": rule_id},
                                          code=str(Code.INVALID)))
        elif not complies and not (comment or "").strip():
            errors.append(ValidationError(
                _("Explain in a comment why the garden does not keep the rule “%(rule)s”.") % {"rule": rule.title},
                code=str(Code.DECLARATION_MISSING)))
    if errors:
        raise ValidationError({"declarations": errors})
    result = []
    for rule_id, (complies, comment) in declarations.items():
        declaration, _created = RuleDeclaration.objects.update_or_create(
            application=application, rule_id=int(rule_id),
            defaults={"complies": bool(complies), "comment": (comment or "").strip()})
        result.append(declaration)
    return result


@transaction.atomic
def add_attachment(*, application: GardenApplication, kind: str, upload: Any, by: User) -> Attachment:
    """A site plan (PDF or image) or a photo (image), checked by content, stored privately under a random name."""
    _require_manager(user=by, business=application.business)
    if not application.is_editable:
        raise refusal("status", _("Attachments can be added only to a draft or while changes are requested."),
                      Code.TRANSITION_NOT_ALLOWED)
    if kind not in Attachment.Kind.values:
        raise refusal("kind", _("Choose a site plan or a photo."), Code.INVALID)
    checked = check_upload(upload, kinds={IMAGE, PDF} if kind == Attachment.Kind.SITE_PLAN else {IMAGE})
    attachment = Attachment(application=application, kind=kind, original_name=checked.original_name,
                            content_type=checked.content_type, size=checked.size, uploaded_by=by)
    attachment.file.save(checked.stored_name(), ContentFile(checked.content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(*, attachment: Attachment, by: User) -> None:
    _require_manager(user=by, business=attachment.application.business)
    if not attachment.application.is_editable:
        raise refusal("status", _("Attachments can be removed only from a draft or while changes are requested."),
                      Code.TRANSITION_NOT_ALLOWED)
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
        raise refusal("from", _("Only an approved permit can be the start of a new application."),
                      Code.TRANSITION_NOT_ALLOWED)
    if season.year <= permit.season.year or season.centre_id != permit.season.centre_id:
        raise refusal("season", _("Choose a later season of the same centre."), Code.INVALID)
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
            extension = old.file.name.rsplit(".", 1)[-1] if "." in old.file.name else "bin"
            copy.file.save(f"copy.{extension}", ContentFile(handle.read()), save=False)
        copy.save()
    return application


# --- The review workflow (core.workflow) --------------------------------------------------------------

OWNER, STAFF = "owner", "staff"


def _owner_may(user: User | None, application: GardenApplication) -> bool:
    return _is_manager(user, application.business_id)


def _staff_may(user: User | None, application: GardenApplication) -> bool:
    return bool(user and user.is_authenticated) and is_staff_of(user, application.season.centre_id)


_DECISIONS = (Status.SUBMITTED, Status.IN_REVIEW)  # staff decide straight from submitted; in review is legacy data
WORKFLOW = Workflow(
    model=GardenApplication, history=ApplicationHistory, subject_field="application",
    actors={OWNER: _owner_may, STAFF: _staff_may},
    moves=[
        Move(Status.DRAFT, Status.SUBMITTED, OWNER),
        Move(Status.DRAFT, Status.WITHDRAWN, OWNER),
        *(m for source in _DECISIONS for m in (
            Move(source, Status.APPROVED, STAFF),
            Move(source, Status.REJECTED, STAFF, note_required=True),
            Move(source, Status.CHANGES_REQUESTED, STAFF, note_required=True),
            Move(source, Status.WITHDRAWN, OWNER),
        )),
        Move(Status.CHANGES_REQUESTED, Status.SUBMITTED, OWNER),
        Move(Status.CHANGES_REQUESTED, Status.WITHDRAWN, OWNER),
        Move(Status.APPROVED, Status.REVOKED, STAFF, note_required=True),
    ],
)
# (from, to) → who may make it: the table, for pages, the API schema and the tests.
TRANSITIONS: dict[tuple[str, str], str] = {key: move.actor for key, move in WORKFLOW.moves.items()}
NOTE_REQUIRED = {move.target for move in WORKFLOW.moves.values() if move.note_required}
_RELATED = ("business", "season", "season__centre", "zone", "street")


def allowed_moves(application: GardenApplication, user: User) -> list[str]:
    """The statuses this user may move the application to now (for buttons and the API)."""
    return WORKFLOW.allowed_moves(application, user)


def _next_permit_number(*, season: Season) -> tuple[int, str]:
    """Gapless per centre and year: the counter row is locked until the approval commits (or rolls back)."""
    PermitCounter.objects.get_or_create(centre_id=season.centre_id, year=season.year)
    counter = PermitCounter.objects.select_for_update().get(centre_id=season.centre_id, year=season.year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{season.centre.code}/OG/{season.year}/{counter.last_number:04d}"


def check_complete(application: GardenApplication) -> None:
    """All that submitting and approving need: valid data under today's rules, every rule declared, a site plan."""
    errors: dict[str, ValidationError] = {}
    try:
        validate_application(application)
    except ValidationError as exc:
        errors.update({name: ValidationError(list(items)) for name, items in exc.error_dict.items()})
    declared = set(application.declarations.values_list("rule_id", flat=True))
    missing = list(AestheticRule.objects.filter(season_id=application.season_id, is_active=True)
                   .exclude(pk__in=declared).order_by("order", "code"))
    if missing:
        errors["declarations"] = ValidationError(
            _("State for every rule whether the garden keeps it: %(rules)s.")
            % {"rules": "; ".join(f"„{r.title}”" for r in missing)}, code=str(Code.DECLARATION_MISSING))
    if not application.attachments.filter(kind=Attachment.Kind.SITE_PLAN).exists():
        errors["attachments"] = ValidationError(_("Attach a site plan (PDF or image)."),
                                                code=str(Code.SITE_PLAN_MISSING))
    if errors:
        raise ValidationError(errors)


def place_conflicts(application: GardenApplication, *, statuses: Iterable[str] = (Status.APPROVED,),
                    ) -> list[GardenApplication]:
    """Other applications of the season's centre in `statuses` for the same place on a common day.

    The same place: both outlines drawn and overlapping (shapely, in metres); or, where either has no outline,
    the same normalised street and building number.
    """
    others = (GardenApplication.objects.filter(season__centre_id=application.season.centre_id,
                                               status__in=list(statuses),
                                               period_start__lte=application.period_end,
                                               period_end__gte=application.period_start)
              .exclude(pk=application.pk).select_related("business", "street").order_by("pk"))
    streets: dict[int, list] = {}

    def key_of(a: GardenApplication) -> str:
        if a.place_key:
            return a.place_key
        if a.zone_id not in streets:  # a row written before places were normalised
            streets[a.zone_id] = list(Zone.objects.get(pk=a.zone_id).streets.all())
        return find_place(address=a.address, streets=streets[a.zone_id], chosen=a.street,
                          number=a.building_number or "").key

    result = []
    own_key = key_of(application)
    for other in others:
        if application.outline and other.outline:
            same = geometry.overlaps(application.outline, other.outline)
        else:
            same = bool(own_key) and key_of(other) == own_key
        if same:
            result.append(other)
    return result


def validate_iban(value: str) -> str:
    """The account number in its compact form, or a refusal when its checksum (mod 97) fails."""
    try:
        return stdnum_iban.validate(value or "")
    except Exception:
        raise refusal("bank_account", _("“%(value)s” is not a valid IBAN (check the digits).") % {"value": value},
                      Code.INVALID_IBAN) from None


def evidence_photos(application: GardenApplication) -> list[tuple[str, str]]:
    """The photos greenery may be confirmed on: (reference, name) of the application's image attachments and of
    its inspections' photos. References read `attachment:<id>` or `inspection_photo:<id>`."""
    attachments = [(f"attachment:{a.pk}", a.original_name) for a in application.attachments.all()
                   if a.content_type.startswith("image/")]
    photos = [(f"inspection_photo:{p.pk}", _("inspection photo of %(day)s, no. %(n)s") % {
        "day": date_format(p.inspection.inspected_on, "SHORT_DATE_FORMAT"), "n": p.pk})
        for p in InspectionPhoto.objects.filter(inspection__application=application).select_related("inspection")]
    return attachments + photos


def _evidence_for(locked: GardenApplication, kinds: set[str], evidence: Mapping[str, str],
                  errors: dict[str, tuple[str, Code]]) -> dict[str, tuple[str, int]]:
    """Each confirmed kind's photo, checked: given, an image, and this application's own. kind → (field, id)."""
    labels = dict(GreeneryKind.choices)
    extra = set(evidence) - kinds
    if extra:
        errors["greenery_evidence"] = (_("A photo is given for greenery that is not confirmed: %(kinds)s.") % {
            "kinds": ", ".join(str(labels.get(k, k)) for k in sorted(extra))}, Code.INVALID)
        return {}
    missing = sorted(k for k in kinds if not (evidence.get(k) or "").strip())
    if missing:
        errors["greenery_evidence"] = (_("Choose the photo that shows each confirmed kind of greenery; no photo "
                                         "for: %(kinds)s.") % {"kinds": ", ".join(str(labels[k]) for k in missing)},
                                       Code.GREENERY_NO_EVIDENCE)
        return {}
    own = {ref for ref, _name in evidence_photos(locked)}
    result, foreign = {}, []
    for kind in sorted(kinds):
        reference = evidence[kind].strip()
        source, _sep, number = reference.partition(":")
        if reference not in own or source not in ("attachment", "inspection_photo") or not number.isdigit():
            foreign.append(str(labels[kind]))
        else:
            result[kind] = (source, int(number))
    if foreign:
        errors["greenery_evidence"] = (_("Greenery can be confirmed only on a photo of this application or of its "
                                         "inspections; not so for: %(kinds)s.") % {"kinds": ", ".join(foreign)},
                                       Code.GREENERY_EVIDENCE_FOREIGN)
        return {}
    return result


def _check_approval(locked: GardenApplication, kinds: set[str],
                    evidence: Mapping[str, str]) -> dict[str, tuple[str, int]]:
    """At the moment of approval, under the locks: everything again, the greenery evidence, the place, the account."""
    check_complete(locked)
    errors: dict[str, tuple[str, Code]] = {}
    photos: dict[str, tuple[str, int]] = {}
    unknown = kinds - set(GreeneryKind.values)
    undeclared = kinds - locked.declared_greenery_kinds()
    if unknown:
        errors["confirmed_greenery"] = (_("Unknown kind of greenery: %(kinds)s.") % {"kinds": ", ".join(sorted(unknown))},
                                        Code.INVALID)
    elif undeclared:
        errors["confirmed_greenery"] = (_("Only declared greenery can be confirmed; not declared: %(kinds)s.") % {
            "kinds": ", ".join(str(GreeneryKind(k).label) for k in sorted(undeclared))}, Code.GREENERY_NOT_DECLARED)
    else:
        photos = _evidence_for(locked, kinds, evidence, errors)
    taken = place_conflicts(locked)
    if taken:
        errors["outline"] = (_("The place is already permitted for a common day: %(permits)s.") % {
            "permits": ", ".join(f"{p.permit_number} ({p.business.name})" for p in taken)}, Code.PLACE_TAKEN)
    try:
        validate_iban(locked.season.bank_account)
    except ValidationError as exc:
        errors["bank_account"] = (_("The season has no valid account for fees: %(why)s") % {
            "why": exc.message_dict["bank_account"][0]}, Code.INVALID_IBAN)
    refuse(errors)
    return photos


@transaction.atomic
def transition(*, application: GardenApplication, to: str, by: User, note: str = "",
               confirmed_greenery: Iterable[str] | None = None,
               greenery_evidence: Mapping[str, str] | None = None) -> ApplicationHistory:
    """The one way to change an application's status (core.workflow: lock, check move and actor, record, notify).

    Submitting and approving re-check everything at that moment. Approval locks the season (so two approvals of
    one season never pass the place check side by side), confirms only declared greenery, each kind on the photo
    `greenery_evidence` names for it (kind → `attachment:<id>` or `inspection_photo:<id>`, the application's own), issues
    the permit number, renders and stores the permit PDF once with its SHA-256, and opens the payment account.
    Asking for changes, rejecting and revoking need a reason.
    """
    if to not in Status.values:
        raise WORKFLOW.refusal(application.status, to)
    kinds = set(confirmed_greenery or [])
    evidence = dict(greenery_evidence or {})
    now = timezone.now()
    photos: dict[str, tuple[str, int]] = {}

    def guard(locked: GardenApplication) -> None:
        if to == Status.SUBMITTED:
            check_complete(locked)
        elif to == Status.APPROVED:
            Season.objects.select_for_update().get(pk=locked.season_id)
            photos.update(_check_approval(locked, kinds, evidence))

    def apply(locked: GardenApplication) -> None:
        if to == Status.SUBMITTED:
            _store_fee(locked, _quote_declared(locked))
            locked.submitted_at = now
        elif to == Status.APPROVED:
            _approve(locked, kinds=kinds, photos=photos, by=by, now=now)
        elif to == Status.REJECTED:
            locked.decided_at = now
        elif to == Status.REVOKED:
            locked.revoked_at = now
            locked.revocation_reason = (note or "").strip()
            from .payments import credit_unused_days

            credit_unused_days(application=locked, on=today(), reason=locked.revocation_reason, by=by)

    def notify(locked: GardenApplication, entry: ApplicationHistory) -> None:
        from .tasks import notify_status_change

        notify_status_change.delay(locked.pk, entry.pk)

    return WORKFLOW.move(obj=application, to=to, by=by, note=note, guard=guard, apply=apply, on_commit=notify,
                         select_related=_RELATED)


def _approve(locked: GardenApplication, *, kinds: set[str], photos: Mapping[str, tuple[str, int]], by: User,
             now: dt.datetime) -> None:
    from .payments import open_account
    from .pdf import build_permit_pdf

    for kind, (_declared, confirmed) in GREENERY_FIELDS.items():
        setattr(locked, confirmed, kind in kinds)
    GreeneryEvidence.objects.bulk_create([
        GreeneryEvidence(application=locked, kind=kind, confirmed_by=by, **{f"{source}_id": pk})
        for kind, (source, pk) in sorted(photos.items())])
    _store_fee(locked, quote_fee(zone=locked.zone, area_m2=locked.area_m2, start=locked.period_start,
                                 end=locked.period_end, greenery_kinds=kinds, season=locked.season))
    locked.permit_sequence, locked.permit_number = _next_permit_number(season=locked.season)
    locked.decided_at = now
    locked.status = Status.APPROVED  # the document is rendered as what it becomes
    locked.save()
    _claim_place_in_database(locked)
    account = open_account(application=locked, on=timezone.localdate(now), by=by)
    content = build_permit_pdf(locked, account=account)
    locked.permit_sha256 = hashlib.sha256(content).hexdigest()
    locked.permit_pdf.save(f"{locked.verification_token.hex}.pdf", ContentFile(content), save=False)


PLACE_CONSTRAINT = "gardens_app_no_overlapping_permits"  # migration 0005, PostgreSQL only
PLACE_LOCK = 7313  # the advisory lock class of "writing an approved outline" (per centre)


def _claim_place_in_database(locked: GardenApplication) -> None:
    """On PostgreSQL, write the approved outline where the exclusion constraint sees it (migration 0005).

    The service's check above is the primary one; this catches what it cannot see: another approval of an
    overlapping garden committing at the same moment (in another season's lock, or outside the service). The
    database then refuses, and the refusal is the same one, with the same code.
    """
    literal = geometry.db_polygon(locked.outline) if connection.vendor == "postgresql" else None
    if literal is None:
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # One writer of outlines per centre at a time, until it commits: the constraint then checks against
            # committed rows and refuses cleanly, where two writers checking each other's uncommitted rows
            # would deadlock.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PLACE_LOCK, locked.season.centre_id])
            cursor.execute("UPDATE gardens_gardenapplication SET outline_inset = %s::polygon WHERE id = %s",
                           [literal, locked.pk])
    except (IntegrityError, OperationalError) as exc:
        deadlock = getattr(exc.__cause__, "sqlstate", None) == "40P01"  # a writer outside this service
        if PLACE_CONSTRAINT not in str(exc) and not deadlock:
            raise
        raise refusal("outline", _("The place was permitted to another garden for a common day at the same "
                                   "moment; reload the application to see it."), Code.PLACE_TAKEN) from None


# --- Inspections --------------------------------------------------------------------------------------

PRELIMINARY_DAYS = 7


def check_inspection_date(*, application: GardenApplication, kind: str, inspected_on: dt.date) -> None:
    """An inspection lies in the permit's period (a preliminary one in the week before it), never in the future."""
    Kind = Inspection.Kind
    if inspected_on > today():
        raise refusal("inspected_on", _("The inspection date cannot be in the future."), Code.INSPECTION_DATE)
    if kind == Kind.PRELIMINARY:
        first = application.period_start - dt.timedelta(days=PRELIMINARY_DAYS)
        if not first <= inspected_on < application.period_start:
            raise refusal("inspected_on", _("A preliminary inspection takes place in the week before the permit "
                                            "starts: %(first)s – %(last)s.") % {
                "first": date_format(first, "DATE_FORMAT"),
                "last": date_format(application.period_start - dt.timedelta(days=1), "DATE_FORMAT")},
                Code.INSPECTION_DATE)
    elif not application.period_start <= inspected_on <= application.period_end:
        raise refusal("inspected_on", _("An inspection can be recorded only within the permit's period: "
                                        "%(start)s – %(end)s.") % {
            "start": date_format(application.period_start, "DATE_FORMAT"),
            "end": date_format(application.period_end, "DATE_FORMAT")}, Code.INSPECTION_DATE)


@transaction.atomic
def record_inspection(*, application: GardenApplication, by: User, inspected_on: dt.date,
                      results: Mapping[int, tuple[bool, str]], note: str = "", photos: Iterable[Any] = (),
                      kind: str = Inspection.Kind.OPERATIONAL, missing_greenery: Iterable[str] = ()) -> Inspection:
    """An inspection of a permitted garden: the result per rule, photos, and the confirmed greenery found missing.

    Greenery found missing loses its share of the green discount from that day on: the difference is charged as a
    surcharge on the permit's account and the business is told by e-mail.
    """
    _require_staff(user=by, application=application)
    application = (GardenApplication.objects.select_for_update(of=("self",)).select_related(*_RELATED)
                   .get(pk=application.pk))
    errors: dict[str, tuple[str, Code]] = {}
    if application.status != Status.APPROVED:
        errors["application"] = (_("Only a garden with a valid permit can be inspected."), Code.TRANSITION_NOT_ALLOWED)
    if kind not in Inspection.Kind.values:
        errors["kind"] = (_("Choose the kind of inspection."), Code.INVALID)
    else:
        try:
            check_inspection_date(application=application, kind=kind, inspected_on=inspected_on)
        except ValidationError as exc:
            errors["inspected_on"] = (exc.message_dict["inspected_on"][0], Code.INSPECTION_DATE)
    rules = set(AestheticRule.objects.filter(season_id=application.season_id).values_list("pk", flat=True))
    foreign = [str(r) for r in results if int(r) not in rules]
    if foreign:
        errors["results"] = (_("Not rules of this season: %(ids)s.") % {"ids": ", ".join(foreign)}, Code.INVALID)
    if not results:
        errors["results"] = (_("Record the result of at least one rule."), Code.REQUIRED)
    missing = set(missing_greenery or [])
    not_confirmed = missing - application.confirmed_greenery_kinds()
    if not_confirmed:
        errors["missing_greenery"] = (_("Only greenery confirmed on the permit can be found missing."),
                                      Code.GREENERY_NOT_DECLARED)
    checked_photos = []
    for photo in photos:
        try:
            checked_photos.append(check_upload(photo, kinds={IMAGE}, field="photos"))
        except ValidationError as exc:
            errors["photos"] = (exc.message_dict["photos"][0], Code.UPLOAD_TYPE)
    refuse(errors)
    inspection = Inspection.objects.create(application=application, kind=kind, inspected_on=inspected_on,
                                           inspector=by, note=(note or "").strip(), missing_greenery=sorted(missing))
    InspectionResult.objects.bulk_create([
        InspectionResult(inspection=inspection, rule_id=int(rule_id), kept=bool(kept), note=(rnote or "")[:300])
        for rule_id, (kept, rnote) in results.items()])
    for checked in checked_photos:
        item = InspectionPhoto(inspection=inspection)
        item.file.save(checked.stored_name(), ContentFile(checked.content), save=False)
        item.save()
    if missing:
        from .payments import surcharge_for_missing_greenery

        surcharge_for_missing_greenery(application=application, inspection=inspection, missing=missing, by=by)
    return inspection
