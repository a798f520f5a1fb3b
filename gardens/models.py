"""Café-garden permits: seasons, the aesthetic rules, the green discount, applications and their review, inspections."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import formats
from core.i18n import bilingual
from core.models import StatusChange


class GreeneryKind(models.TextChoices):
    """The three kinds of live greenery the office asks for (and the green discount counts)."""

    TALL_PLANTS = "tall_plants", _("tall plants against the facade")
    PLANTERS = "planters", _("planters along the whole enclosure")
    HANGING = "hanging", _("hanging or climbing plants")


class Season(models.Model):
    """A centre's garden season for one year: the summer window and an optional winter window."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="garden_seasons",
                               verbose_name=_("centre"))
    year = models.PositiveIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    summer_start = models.DateField(_("summer season starts"))
    summer_end = models.DateField(_("summer season ends"))
    winter_start = models.DateField(_("winter season starts"), null=True, blank=True)
    winter_end = models.DateField(_("winter season ends"), null=True, blank=True)
    is_open = models.BooleanField(_("open for applications"), default=True)
    legal_basis = models.TextField(
        _("legal basis"), blank=True,
        help_text=_("The council resolution the fee and the permit rest on, printed on every permit."))
    bank_account = models.CharField(
        _("bank account (IBAN)"), max_length=34, blank=True,
        help_text=_("The centre's account the fees are paid to, e.g. PL61 1090 1014 0000 0712 1981 2874."))
    bank_recipient = models.CharField(_("payment recipient"), max_length=200, blank=True,
                                      help_text=_("The name on the account; the office's name where empty."))

    class Meta:
        verbose_name = _("garden season")
        verbose_name_plural = _("garden seasons")
        ordering = ["centre", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "year"], name="gardens_season_unique_year",
                                    violation_error_message=_("This centre already has a season for this year.")),
            models.CheckConstraint(condition=Q(summer_end__gte=F("summer_start")), name="gardens_season_summer_ordered",
                                   violation_error_message=_("The summer season must not end before it starts.")),
            models.CheckConstraint(
                condition=(Q(winter_start__isnull=True, winter_end__isnull=True)
                           | Q(winter_start__isnull=False, winter_end__isnull=False,
                               winter_end__gte=F("winter_start"))),
                name="gardens_season_winter_ordered",
                violation_error_message=_("The winter season needs both dates, the end not before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.year}"

    def windows(self) -> list[tuple]:
        """The (start, end) windows a garden's period must lie inside."""
        result = [(self.summer_start, self.summer_end)]
        if self.winter_start and self.winter_end:
            result.append((self.winter_start, self.winter_end))
        return result


class AestheticRule(models.Model):
    """One rule of the uniform look of gardens, per centre and season."""

    class Category(models.TextChoices):
        FURNITURE = "furniture", _("furniture")
        UMBRELLAS = "umbrellas", _("umbrellas")
        ENCLOSURE = "enclosure", _("enclosure")
        FLOOR = "floor", _("floor")
        GREENERY = "greenery", _("greenery")
        ADVERTISING = "advertising", _("advertising")
        SOUND_LIGHT = "sound_light", _("sound and light")
        ACCESSIBILITY = "accessibility", _("accessibility")

    class Check(models.TextChoices):
        DECLARATION = "declaration", _("by declaration")
        PHOTO = "photo", _("by photo")
        INSPECTION = "inspection", _("on inspection")

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="rules", verbose_name=_("season"))
    code = models.SlugField(_("code"), max_length=40)
    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_pl = models.TextField(_("text (Polish)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    checked_by = models.CharField(_("checked"), max_length=20, choices=Check.choices, default=Check.DECLARATION)
    class Measure(models.TextChoices):
        """What a measurable rule compares, and against what (`limit` or `palette`)."""

        NONE = "", _("nothing measured (a declaration)")
        UMBRELLA_HEIGHT_MAX = "umbrella_height_max", _("umbrella height at most (m)")
        ENCLOSURE_HEIGHT_MAX = "enclosure_height_max", _("enclosure height at most (m)")
        COLOUR_PALETTE = "colour_palette", _("umbrella and furniture colours from the palette")
        PAVEMENT_MIN = "pavement_min", _("pavement left at least the zone's minimum (m)")
        GREENERY_MIN = "greenery_min", _("kinds of live greenery at least")

    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    measure = models.CharField(_("measured value"), max_length=30, choices=Measure.choices, blank=True, default="")
    limit = models.DecimalField(_("limit"), max_digits=6, decimal_places=2, null=True, blank=True,
                                help_text=_("For heights the maximum in metres; for greenery the least number of "
                                            "kinds; for the pavement a minimum above the zone's (empty: the "
                                            "zone's)."))
    palette = models.CharField(_("colour palette"), max_length=300, blank=True,
                               help_text=_("The allowed colours, separated by commas, e.g. ecru, beige, white."))

    class Meta:
        verbose_name = _("aesthetic rule")
        verbose_name_plural = _("aesthetic rules")
        ordering = ["season", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["season", "code"], name="gardens_rule_unique_code",
                                    violation_error_message=_("A rule with this code already exists in the season.")),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def title(self) -> str:
        return bilingual(self, "title")

    @property
    def text(self) -> str:
        return bilingual(self, "text")

    def palette_colours(self) -> list[str]:
        return [c.strip() for c in self.palette.split(",") if c.strip()]


class GreenDiscountTier(models.Model):
    """Per centre and season: with at least `min_kinds` kinds of greenery confirmed, `percent` off the fee."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="discount_tiers",
                               verbose_name=_("season"))
    min_kinds = models.PositiveSmallIntegerField(_("kinds of greenery"),
                                                 validators=[MinValueValidator(1), MaxValueValidator(3)])
    percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])

    class Meta:
        verbose_name = _("green discount tier")
        verbose_name_plural = _("green discount tiers")
        ordering = ["season", "-min_kinds"]
        constraints = [
            models.UniqueConstraint(fields=["season", "min_kinds"], name="gardens_tier_unique_kinds",
                                    violation_error_message=_("This season already has a tier for this number of kinds.")),
            models.CheckConstraint(condition=Q(min_kinds__gte=1, min_kinds__lte=3), name="gardens_tier_kinds_range",
                                   violation_error_message=_("The number of kinds must be 1, 2 or 3.")),
            models.CheckConstraint(condition=Q(percent__gte=0, percent__lte=100), name="gardens_tier_percent_range",
                                   violation_error_message=_("The discount must be between 0 and 100 %.")),
        ]

    def __str__(self) -> str:
        return f"{self.season}: {self.min_kinds} → {self.percent}%"


class GardenApplication(models.Model):
    """A business's application for a café garden in one season; once approved it is the permit."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("application status", "draft")
        SUBMITTED = "submitted", pgettext_lazy("application status", "submitted")
        IN_REVIEW = "in_review", pgettext_lazy("application status", "in review")
        CHANGES_REQUESTED = "changes_requested", pgettext_lazy("application status", "changes requested")
        APPROVED = "approved", pgettext_lazy("application status", "approved")
        REJECTED = "rejected", pgettext_lazy("application status", "rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("application status", "withdrawn")
        REVOKED = "revoked", pgettext_lazy("application status", "revoked")

    EDITABLE_STATUSES = (Status.DRAFT, Status.CHANGES_REQUESTED)
    WAITING_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)
    LIVE_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED)

    business = models.ForeignKey("centres.Business", on_delete=models.PROTECT, related_name="garden_applications",
                                 verbose_name=_("business"))
    season = models.ForeignKey(Season, on_delete=models.PROTECT, related_name="applications",
                               verbose_name=_("season"))
    zone = models.ForeignKey("centres.Zone", on_delete=models.PROTECT, related_name="garden_applications",
                             verbose_name=_("zone"))
    street = models.ForeignKey("centres.Street", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="garden_applications", verbose_name=_("street"))
    address = models.CharField(_("address"), max_length=200)
    building_number = models.CharField(_("building number"), max_length=20, blank=True)
    place_key = models.CharField(_("place"), max_length=60, blank=True, db_index=True, editable=False,
                                 help_text=_("The street and building number, normalised: one place, one key."))
    outline = models.JSONField(_("outline"), null=True, blank=True,
                               help_text=_("The garden's outline drawn on the map: a GeoJSON polygon (WGS 84)."))
    outline_area_m2 = models.DecimalField(_("area of the outline (m²)"), max_digits=9, decimal_places=2, null=True,
                                          blank=True, editable=False)
    placement = models.TextField(_("placement"), blank=True,
                                 help_text=_("Where exactly the garden stands, e.g. in front of the facade, by the kerb."))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=7, decimal_places=2)
    length_m = models.DecimalField(_("length (m)"), max_digits=6, decimal_places=2)
    width_m = models.DecimalField(_("width (m)"), max_digits=6, decimal_places=2)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    pedestrian_width_m = models.DecimalField(_("pavement width left for pedestrians (m)"), max_digits=5,
                                             decimal_places=2)
    furniture = models.TextField(_("furniture"), blank=True,
                                 help_text=_("Tables, chairs, materials; light construction of natural materials."))
    tables = models.PositiveSmallIntegerField(_("tables"), default=0)
    seats = models.PositiveSmallIntegerField(_("seats"), default=0)
    umbrella_colour = models.CharField(_("umbrella colour"), max_length=60, blank=True)
    furniture_colour = models.CharField(_("furniture colour"), max_length=60, blank=True)
    umbrella_height_m = models.DecimalField(_("umbrella height (m)"), max_digits=4, decimal_places=2, null=True,
                                            blank=True)
    enclosure_height_m = models.DecimalField(_("enclosure height (m)"), max_digits=4, decimal_places=2, null=True,
                                             blank=True)
    declared_tall_plants = models.BooleanField(_("tall plants against the facade (declared)"), default=False)
    declared_planters = models.BooleanField(_("planters along the whole enclosure (declared)"), default=False)
    declared_hanging = models.BooleanField(_("hanging or climbing plants (declared)"), default=False)
    confirmed_tall_plants = models.BooleanField(_("tall plants against the facade (confirmed)"), default=False)
    confirmed_planters = models.BooleanField(_("planters along the whole enclosure (confirmed)"), default=False)
    confirmed_hanging = models.BooleanField(_("hanging or climbing plants (confirmed)"), default=False)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    permit_number = models.CharField(_("permit number"), max_length=40, null=True, blank=True, unique=True)
    permit_sequence = models.PositiveIntegerField(_("permit sequence"), null=True, blank=True, editable=False)
    verification_token = models.UUIDField(_("verification token"), default=uuid.uuid4, unique=True, editable=False)
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals",
                                 verbose_name=_("started from"))

    fee_days = models.PositiveIntegerField(_("days"), default=0)
    fee_breakdown = models.JSONField(_("fee breakdown"), default=list, blank=True)
    fee_gross = models.DecimalField(_("fee before discount (PLN)"), max_digits=14, decimal_places=2,
                                    default=Decimal("0"))
    fee_discount_percent = models.DecimalField(_("green discount (%)"), max_digits=5, decimal_places=2,
                                               default=Decimal("0"))
    fee_discount = models.DecimalField(_("green discount (PLN)"), max_digits=14, decimal_places=2,
                                       default=Decimal("0"))
    fee_total = models.DecimalField(_("fee (PLN)"), max_digits=14, decimal_places=2, default=Decimal("0"))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="garden_applications", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    permit_pdf = models.FileField(_("permit document"), upload_to="gardens/permits/", max_length=255, blank=True,
                                  editable=False)
    permit_sha256 = models.CharField(_("SHA-256 of the permit document"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("garden application")
        verbose_name_plural = _("garden applications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["season", "status"], name="gardens_app_season_status")]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="gardens_app_area_positive",
                                   violation_error_message=_("The area must be greater than zero.")),
            models.CheckConstraint(condition=Q(length_m__gt=0, width_m__gt=0), name="gardens_app_dimensions_positive",
                                   violation_error_message=_("Length and width must be greater than zero.")),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="gardens_app_period_ordered",
                                   violation_error_message=_("The period must not end before it starts.")),
            models.CheckConstraint(condition=Q(pedestrian_width_m__gte=0), name="gardens_app_pedestrian_not_negative",
                                   violation_error_message=_("The pedestrian width cannot be negative.")),
            models.CheckConstraint(condition=Q(fee_total__gte=0, fee_gross__gte=0, fee_discount__gte=0),
                                   name="gardens_app_fee_not_negative",
                                   violation_error_message=_("Fees cannot be negative.")),
            models.CheckConstraint(
                condition=Q(permit_number__isnull=True) | Q(status__in=["approved", "revoked"]),
                name="gardens_app_permit_number_only_when_approved",
                violation_error_message=_("Only an approved (or later revoked) application has a permit number."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "revoked"]) | Q(permit_number__isnull=False),
                name="gardens_app_approved_has_number",
                violation_error_message=_("An approved application must have a permit number."),
            ),
        ]

    def __str__(self) -> str:
        return self.permit_number or f"#{self.pk} {self.business} ({self.season.year})"

    def declared_greenery_kinds(self) -> set[str]:
        return {kind for kind, flag in ((GreeneryKind.TALL_PLANTS, self.declared_tall_plants),
                                        (GreeneryKind.PLANTERS, self.declared_planters),
                                        (GreeneryKind.HANGING, self.declared_hanging)) if flag}

    def declared_greenery_labels(self) -> list[str]:
        """The declared kinds' names in the order of the choices, for pages and the PDF."""
        declared = self.declared_greenery_kinds()
        return [str(label) for value, label in GreeneryKind.choices if value in declared]

    def confirmed_greenery_labels(self) -> list[str]:
        confirmed = self.confirmed_greenery_kinds()
        return [str(label) for value, label in GreeneryKind.choices if value in confirmed]

    def confirmed_greenery_kinds(self) -> set[str]:
        """Only confirmed greenery counts on the permit (and in the green-garden contest)."""
        return {kind for kind, flag in ((GreeneryKind.TALL_PLANTS, self.confirmed_tall_plants),
                                        (GreeneryKind.PLANTERS, self.confirmed_planters),
                                        (GreeneryKind.HANGING, self.confirmed_hanging)) if flag}

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_permit(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def legal_form(self) -> str:
        from centres.models import Zone

        if self.zone.kind == Zone.Kind.INTERNAL_ROAD:
            return str(_("lease agreement made by the office"))
        return str(_("road-lane occupation permit"))


class ApplicationHistory(StatusChange):
    """Every move of an application (core.workflow): who, when, from what to what, and why."""

    application = models.ForeignKey(GardenApplication, on_delete=models.CASCADE, related_name="history",
                                    verbose_name=_("application"))
    from_status = models.CharField(_("from"), max_length=30, choices=GardenApplication.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=GardenApplication.Status.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("application history entry")
        verbose_name_plural = _("application history")
        ordering = ["application", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class RuleDeclaration(models.Model):
    """The applicant's declaration of compliance with one aesthetic rule, with a comment where needed."""

    application = models.ForeignKey(GardenApplication, on_delete=models.CASCADE, related_name="declarations",
                                    verbose_name=_("application"))
    rule = models.ForeignKey(AestheticRule, on_delete=models.PROTECT, related_name="declarations",
                             verbose_name=_("rule"))
    complies = models.BooleanField(_("complies"), default=False)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("rule declaration")
        verbose_name_plural = _("rule declarations")
        ordering = ["rule__order", "rule__code"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rule"], name="gardens_declaration_unique",
                                    violation_error_message=_("This rule is already declared for the application.")),
        ]

    def __str__(self) -> str:
        return f"{self.rule.title}: {_('complies') if self.complies else _('does not comply')}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Private path with the application id; a random name so that nothing is guessable."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"gardens/applications/{instance.application_id}/{uuid.uuid4().hex}.{ext[:8]}"


class Attachment(models.Model):
    """A site plan or a photo/visualisation; served only through a permission-checked view."""

    class Kind(models.TextChoices):
        SITE_PLAN = "site_plan", _("site plan")
        PHOTO = "photo", _("visualisation or photo")

    application = models.ForeignKey(GardenApplication, on_delete=models.CASCADE, related_name="attachments",
                                    verbose_name=_("application"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("original name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["application", "kind", "pk"]

    def __str__(self) -> str:
        return self.original_name


class PermitCounter(models.Model):
    """The last permit number issued per centre and year; locked with select_for_update so numbers are gapless."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("centre"))
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("permit counter")
        verbose_name_plural = _("permit counters")
        constraints = [
            models.UniqueConstraint(fields=["centre", "year"], name="gardens_counter_unique",
                                    violation_error_message=_("There is already a counter for this centre and year.")),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.year}: {self.last_number}"


class Inspection(models.Model):
    """An office inspection of a garden; a breach can lead to revocation."""

    application = models.ForeignKey(GardenApplication, on_delete=models.CASCADE, related_name="inspections",
                                    verbose_name=_("permit"))
    class Kind(models.TextChoices):
        PRELIMINARY = "preliminary", _("preliminary (in the week before the permit starts)")
        OPERATIONAL = "operational", _("during the permit")
        FINAL = "final", _("final")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OPERATIONAL)
    inspected_on = models.DateField(_("inspected on"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("inspector"))
    note = models.TextField(_("note"), blank=True)
    missing_greenery = models.JSONField(_("greenery found missing"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.application} · {self.inspected_on:%d.%m.%Y}"


class InspectionResult(models.Model):
    """Whether one rule was kept or breached at an inspection."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results",
                                   verbose_name=_("inspection"))
    rule = models.ForeignKey(AestheticRule, on_delete=models.PROTECT, related_name="+", verbose_name=_("rule"))
    kept = models.BooleanField(_("kept"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inspection result")
        verbose_name_plural = _("inspection results")
        ordering = ["inspection", "rule__order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "rule"], name="gardens_result_unique",
                                    violation_error_message=_("This rule is already recorded for the inspection.")),
        ]

    def __str__(self) -> str:
        return f"{self.rule.title}: {_('kept') if self.kept else _('breached')}"


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"gardens/inspections/{instance.inspection_id}/{uuid.uuid4().hex}.{ext[:8]}"


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos",
                                   verbose_name=_("inspection"))
    file = models.FileField(_("file"), upload_to=inspection_photo_path, max_length=255)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")
        ordering = ["inspection", "pk"]

    def __str__(self) -> str:
        return self.file.name


class GreeneryEvidence(models.Model):
    """The photo on which the office confirmed one kind of greenery: the green discount rests on it.

    The photo is one of the application's own image attachments or a photo from one of its inspections.
    """

    application = models.ForeignKey(GardenApplication, on_delete=models.CASCADE, related_name="greenery_evidence",
                                    verbose_name=_("application"))
    kind = models.CharField(_("kind of greenery"), max_length=20, choices=GreeneryKind.choices)
    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("photo of the application"))
    inspection_photo = models.ForeignKey(InspectionPhoto, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("photo of an inspection"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("greenery evidence")
        verbose_name_plural = _("greenery evidence")
        ordering = ["application", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="gardens_evidence_one_per_kind",
                                    violation_error_message=_("This kind of greenery already has its photo.")),
            models.CheckConstraint(
                condition=(Q(attachment__isnull=False, inspection_photo__isnull=True)
                           | Q(attachment__isnull=True, inspection_photo__isnull=False)),
                name="gardens_evidence_one_photo",
                violation_error_message=_("Greenery is confirmed on exactly one photo."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.photo_name}"

    @property
    def reference(self) -> str:
        """The photo as services and forms name it: `attachment:<id>` or `inspection_photo:<id>`."""
        if self.attachment_id:
            return f"attachment:{self.attachment_id}"
        return f"inspection_photo:{self.inspection_photo_id}"

    @property
    def photo_name(self) -> str:
        if self.attachment_id:
            return self.attachment.original_name
        return str(_("inspection photo of %(day)s")
                   % {"day": formats.short_date(self.inspection_photo.inspection.inspected_on)})


class PaymentAccount(models.Model):
    """What a permit's holder owes and has paid: charges (the fee, surcharges) and payments, each with a reason."""

    application = models.OneToOneField(GardenApplication, on_delete=models.PROTECT, related_name="payment_account",
                                       verbose_name=_("permit"))
    title = models.CharField(_("transfer title"), max_length=60, unique=True,
                             help_text=_("The permit number: a transfer with it in its title is matched here."))
    bank_account = models.CharField(_("bank account (IBAN)"), max_length=34)
    due_date = models.DateField(_("due date"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment account")
        verbose_name_plural = _("payment accounts")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class BankTransfer(models.Model):
    """One credit line of an imported bank statement; its key makes a second import of the same line a no-op."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    booked_on = models.DateField(_("booked on"))
    amount = models.DecimalField(_("amount (PLN)"), max_digits=14, decimal_places=2)
    title = models.CharField(_("transfer title"), max_length=400)
    counterparty = models.CharField(_("from"), max_length=300, blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    source = models.CharField(_("statement"), max_length=200, blank=True)
    account = models.ForeignKey(PaymentAccount, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="transfers", verbose_name=_("matched to"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank transfer")
        verbose_name_plural = _("bank transfers")
        ordering = ["-booked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.booked_on:%d.%m.%Y} {self.amount} {self.title[:40]}"


class AccountEntry(models.Model):
    """One line of a payment account: a charge (+) or a payment (−) of `amount`, with the reason it exists."""

    class Kind(models.TextChoices):
        FEE = "fee", _("fee")
        SURCHARGE = "surcharge", _("surcharge")
        REFUND = "refund", _("correction after revocation")
        PAYMENT = "payment", _("payment")

    CHARGES = (Kind.FEE, Kind.SURCHARGE)

    account = models.ForeignKey(PaymentAccount, on_delete=models.CASCADE, related_name="entries",
                                verbose_name=_("payment account"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount (PLN)"), max_digits=14, decimal_places=2)
    booked_on = models.DateField(_("booked on"))
    reason = models.CharField(_("reason"), max_length=300)
    transfer = models.OneToOneField(BankTransfer, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="entry", verbose_name=_("bank transfer"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("account entry")
        verbose_name_plural = _("account entries")
        ordering = ["account", "booked_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="gardens_entry_amount_positive",
                                   violation_error_message=_("The amount must be greater than zero.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def signed_amount(self) -> Decimal:
        """What the entry adds to the amount owed: charges +, payments and corrections −."""
        return self.amount if self.kind in self.CHARGES else -self.amount
