"""The centre itself: centres and their offices, fee zones and rates, streets, businesses, people and roles."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .validators import validate_nip


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person: office staff (is_staff + staff_centres), business people (memberships) or a resident."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=5, default="pl", choices=[("pl", "Polski"), ("en", "English")])
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    staff_centres = models.ManyToManyField(
        "centres.Centre", blank=True, related_name="staff", verbose_name=_("office staff of centres"),
        help_text=_("Office staff act only within these centres."),
    )
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    # Personal data held on this model (GDPR export and erasure: core.gdpr).
    PERSONAL_DATA_FIELDS = ("email", "first_name", "last_name", "phone")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_office_staff(self) -> bool:
        """Staff of at least one centre's office (or a superuser, who sees every centre)."""
        if not self.is_active:
            return False
        return self.is_superuser or (self.is_staff and self.staff_centres.exists())

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class Centre(models.Model):
    """A town centre and the office that manages it. One deployment serves several."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    code = models.CharField(
        _("code"), max_length=5, unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,5}$", _("Two to five capital letters, e.g. TOR."))],
        help_text=_("Short code used in document numbers, e.g. TOR in TOR/OG/2027/0007."),
    )
    city = models.CharField(_("city"), max_length=100)
    office_name = models.CharField(_("office name"), max_length=200)
    address = models.CharField(_("address"), max_length=250)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A fee zone of a centre. Its kind decides the legal form of a café garden in it."""

    class Kind(models.TextChoices):
        INTERNAL_ROAD = "internal_road", _("internal road (lease by the office)")
        PUBLIC_ROAD = "public_road", _("public road (road-lane occupation permit)")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="zones", verbose_name=_("centre"))
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    max_garden_area_m2 = models.DecimalField(
        _("maximum garden area (m²)"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    min_pedestrian_width_m = models.DecimalField(
        _("minimum pavement width left for pedestrians (m)"), max_digits=4, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))], help_text=_("1.5 m where unset."),
    )

    DEFAULT_MIN_PEDESTRIAN_WIDTH_M = Decimal("1.50")

    class Meta:
        verbose_name = _("fee zone")
        verbose_name_plural = _("fee zones")
        ordering = ["centre", "name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "slug"], name="zone_unique_slug_per_centre",
                                    violation_error_message=_("A zone with this slug already exists in the centre.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pedestrian_width_minimum(self) -> Decimal:
        return self.min_pedestrian_width_m if self.min_pedestrian_width_m is not None else self.DEFAULT_MIN_PEDESTRIAN_WIDTH_M


class Street(models.Model):
    """A street of a centre, in the fee zone that covers it."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="streets", verbose_name=_("centre"))
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="streets", verbose_name=_("zone"))
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "name"], name="street_unique_name_per_centre",
                                    violation_error_message=_("This street already exists in the centre.")),
        ]

    def __str__(self) -> str:
        return self.name


class FeeRate(models.Model):
    """Price in PLN per m² per day for a zone and a use, valid over a period (council resolutions change it).

    Two rates of one zone and use may not overlap: enforced by `services.create_fee_rate` and, on PostgreSQL,
    by an exclusion constraint (see migration 0002).
    """

    class Use(models.TextChoices):
        CAFE_GARDEN = "cafe_garden", _("café garden")
        FAIR_TRADE = "fair_trade", _("fair and artistic souvenir trade")

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="rates", verbose_name=_("zone"))
    use = models.CharField(_("use"), max_length=20, choices=Use.choices)
    price_pln = models.DecimalField(_("PLN per m² per day"), max_digits=8, decimal_places=2,
                                    validators=[MinValueValidator(Decimal("0"))])
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Inclusive; empty means open-ended."))
    resolution = models.CharField(_("council resolution"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["zone", "use", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="feerate_period_ordered",
                                   violation_error_message=_("The end date must not be before the start date.")),
            models.CheckConstraint(condition=Q(price_pln__gte=0), name="feerate_price_not_negative",
                                   violation_error_message=_("The price cannot be negative.")),
        ]
        indexes = [models.Index(fields=["zone", "use", "valid_from"], name="feerate_lookup")]

    def __str__(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{self.zone} · {self.get_use_display()} · {self.price_pln} PLN ({self.valid_from.isoformat()}–{end})"


class Business(models.Model):
    """A firm in the centre: café, shop, museum... Its people are tied to it by memberships."""

    class Category(models.TextChoices):
        CAFE = "cafe", _("café")
        RESTAURANT = "restaurant", _("restaurant")
        BAR = "bar", _("bar or pub")
        BAKERY = "bakery", _("bakery or confectionery")
        SHOP = "shop", _("shop")
        SERVICE = "service", _("service")
        MUSEUM = "museum", _("museum or culture")
        HOTEL = "hotel", _("hotel")
        OTHER = "other", _("other")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("centre"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=10, validators=[validate_nip],
                           help_text=_("Tax number: ten digits with a check digit."))
    street = models.ForeignKey(Street, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("street"))
    building_number = models.CharField(_("building number"), max_length=20)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("zone"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    email = models.EmailField(_("contact e-mail"))
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(User, through="BusinessMembership", related_name="businesses")

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "nip"], name="business_unique_nip_per_centre",
                                    violation_error_message=_("A business with this NIP is already registered in the centre.")),
            models.UniqueConstraint(fields=["centre", "slug"], name="business_unique_slug_per_centre",
                                    violation_error_message=_("A business with this slug already exists in the centre.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street.name} {self.building_number}"


class BusinessMembership(models.Model):
    """Who acts for a business: the owner, a manager, or till staff (who may only verify cards)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        MANAGER = "manager", _("manager")
        TILL = "till", _("till staff")

    MANAGING_ROLES = (Role.OWNER, Role.MANAGER)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships",
                                 verbose_name=_("business"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("business membership")
        verbose_name_plural = _("business memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "business"], name="membership_unique_user_business",
                                    violation_error_message=_("This person already has a role in this business.")),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.business} · {self.get_role_display()}"


class SignedInSession(models.Model):
    """One row per log-in session, so that a person can see where they are signed in and end a session
    (the session store itself cannot be searched by person)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions",
                             verbose_name=_("user"))
    session_key = models.CharField(_("session key"), max_length=64, unique=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d %H:%M}"
