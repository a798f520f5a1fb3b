"""Writes of the centre model. Each is atomic and validates before it stores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import Code, refusal, refuse

from .models import Business, BusinessMembership, Centre, FeeRate, Street, User, Zone
from .selectors import overlapping_rates
from .validators import normalise_nip


@transaction.atomic
def create_fee_rate(*, zone: Zone, use: str, price_pln: Decimal, valid_from: dt.date,
                    valid_to: dt.date | None = None, resolution: str = "") -> FeeRate:
    """Add a rate for a zone and use. Refused when it overlaps a rate already in force for that zone and use.

    The zone row is locked so that two staff adding rates at once cannot both slip past the overlap check.
    """
    Zone.objects.select_for_update().filter(pk=zone.pk).first()
    rate = FeeRate(zone=zone, use=use, price_pln=price_pln, valid_from=valid_from, valid_to=valid_to,
                   resolution=resolution)
    rate.full_clean()
    _refuse_overlap(rate)
    try:
        with transaction.atomic():
            rate.save()
    except IntegrityError as exc:  # the PostgreSQL exclusion constraint, should a writer bypass this service
        raise refusal("valid_from", _("This period overlaps another rate of the same zone and use."),
                      Code.RATE_OVERLAP) from exc
    return rate


@transaction.atomic
def update_fee_rate(*, rate: FeeRate, **fields) -> FeeRate:
    Zone.objects.select_for_update().filter(pk=rate.zone_id).first()
    for name, value in fields.items():
        setattr(rate, name, value)
    rate.full_clean()
    _refuse_overlap(rate)
    rate.save()
    return rate


def _refuse_overlap(rate: FeeRate) -> None:
    clash = overlapping_rates(zone=rate.zone, use=rate.use, valid_from=rate.valid_from, valid_to=rate.valid_to,
                              exclude_pk=rate.pk).first()
    if clash is not None:
        raise refusal("valid_from", _("This period overlaps the rate valid from %(start)s (%(price)s PLN).")
                      % {"start": clash.valid_from.isoformat(), "price": clash.price_pln}, Code.RATE_OVERLAP)


@transaction.atomic
def create_business(*, centre: Centre, name: str, nip: str, street: Street, building_number: str, category: str,
                    email: str, phone: str = "", website: str = "", zone: Zone | None = None,
                    owner: User | None = None) -> Business:
    """Register a business; its zone follows its street unless given. The owner, if given, gets the owner role."""
    business = Business(centre=centre, name=name, slug=_unique_business_slug(centre, name), nip=normalise_nip(nip),
                        street=street, building_number=building_number, zone=zone or street.zone,
                        category=category, email=email, phone=phone, website=website)
    validate_business(business)
    business.save()
    if owner is not None:
        BusinessMembership.objects.create(user=owner, business=business, role=BusinessMembership.Role.OWNER)
    return business


def validate_business(business: Business) -> None:
    """Field rules, the NIP checksum, uniqueness, and that street and zone belong to the business's centre."""
    business.full_clean(validate_constraints=False)
    errors: dict[str, tuple[str, Code]] = {}
    same_centre = Business.objects.filter(centre_id=business.centre_id).exclude(pk=business.pk)
    if same_centre.filter(nip=business.nip).exists():
        errors["nip"] = (_("A business with this NIP is already registered in the centre."), Code.NIP_TAKEN)
    if same_centre.filter(slug=business.slug).exists():
        errors["slug"] = (_("A business with this slug already exists in the centre."), Code.SLUG_TAKEN)
    if business.street.centre_id != business.centre_id:
        errors["street"] = (_("The street is not in this centre."), Code.OUT_OF_SCOPE)
    if business.zone.centre_id != business.centre_id:
        errors["zone"] = (_("The zone is not in this centre."), Code.OUT_OF_SCOPE)
    refuse(errors)


def _unique_business_slug(centre: Centre, name: str) -> str:
    base = slugify(name)[:180] or "business"
    slug, n = base, 1
    while Business.objects.filter(centre=centre, slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def register_user(*, email: str, password: str, first_name: str = "", last_name: str = "",
                  language: str = "pl") -> User:
    """Sign-up of a resident or business person; the e-mail address is verified by a signed link."""
    user = User(email=email.strip().lower(), first_name=first_name, last_name=last_name, language=language)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    from .tasks import send_email_verification

    send_email_verification.delay_on_commit(user.pk)
    return user


def send_password_reset(*, user: User, by: User | None = None, request=None) -> bool:
    """Send the person a link to set a new password (the office never sets or sees one). False when the account
    cannot log in (erased, inactive, no usable password)."""
    from urllib.parse import urlsplit

    from django.conf import settings
    from django.contrib.auth.forms import PasswordResetForm

    from core.security import SecurityEvent, record

    if not (user.is_active and user.has_usable_password()):
        return False
    site = urlsplit(settings.SITE_URL)
    form = PasswordResetForm(data={"email": user.email})
    if not form.is_valid():
        return False
    form.save(domain_override=site.netloc, use_https=site.scheme == "https",
              email_template_name="registration/password_reset_email.html", request=None)
    record(SecurityEvent.Kind.ADMIN_ACTION if by is not None else SecurityEvent.Kind.PASSWORD_RESET_REQUESTED,
           request=request, user=user, actor=by, detail="password reset link sent")
    return True
