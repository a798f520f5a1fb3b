"""The mural register: walls offered for murals (with the conservator's conditions and their design contest),
artists, murals with photos and a status workflow, and the walking trail of completed murals.

The design contests themselves run on the one contest engine (`contests`): a wall points to its contest, and a
mural made from a winning design points to that entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contests.models import Entry
from core.i18n import bilingual
from core.models import StatusChange

MIN_YEAR = 1900
MAX_YEAR = 2100



class Artist(models.Model):
    """A painter or a studio. Artists are named publicly by their own choice (credits of public art)."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="artists",
                               verbose_name=_("centre"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("artist")
        verbose_name_plural = _("artists")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "slug"], name="artist_unique_slug_per_centre",
                                    violation_error_message=_("An artist with this slug already exists.")),
        ]

    def __str__(self) -> str:
        return self.name


class Wall(models.Model):
    """A wall offered for a mural, with the building's owner and the conditions a design must meet."""

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="walls",
                               verbose_name=_("centre"))
    address = models.CharField(_("address"), max_length=250, help_text=_("e.g. ul. Świętej Katarzyny 4."))
    street = models.ForeignKey("centres.Street", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="walls", verbose_name=_("street"))
    zone = models.ForeignKey("centres.Zone", on_delete=models.PROTECT, null=True, blank=True, related_name="walls",
                             verbose_name=_("zone"))
    building_owner = models.CharField(_("owner or manager of the building"), max_length=250, blank=True,
                                      help_text=_("e.g. the city's housing company (ZGM) or a housing community."))
    width_m = models.DecimalField(_("width (m)"), max_digits=6, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0.01"))])
    height_m = models.DecimalField(_("height (m)"), max_digits=6, decimal_places=2,
                                   validators=[MinValueValidator(Decimal("0.01"))])
    constraints_pl = models.TextField(
        _("conditions (Polish)"), blank=True,
        help_text=_("What a design must respect: the monuments conservator's conditions, colours, elements to keep "
                    "(e.g. a tree), no advertising."))
    constraints_en = models.TextField(_("conditions (English)"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="murals/walls/%Y/", blank=True)
    photo_alt = models.CharField(_("what the photo shows"), max_length=250, blank=True)
    contest = models.OneToOneField(
        "contests.Contest", on_delete=models.SET_NULL, null=True, blank=True, related_name="wall",
        verbose_name=_("design contest"), limit_choices_to={"kind": "mural_design"},
        help_text=_("The mural-design contest for this wall."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("wall")
        verbose_name_plural = _("walls")
        ordering = ["address"]
        constraints = [
            models.CheckConstraint(condition=Q(width_m__gt=0) & Q(height_m__gt=0), name="wall_size_positive",
                                   violation_error_message=_("The wall's width and height must be above zero.")),
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def conditions(self) -> str:
        return bilingual(self, "constraints")

    @property
    def area_m2(self) -> Decimal:
        return (self.width_m * self.height_m).quantize(Decimal("0.01"))


class Mural(models.Model):
    """A mural in the register, from planned to completed (or removed)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        APPROVED = "approved_by_conservator", _("approved by the monuments conservator")
        BEING_PAINTED = "being_painted", _("being painted")
        COMPLETED = "completed", _("completed")
        NEEDS_MAINTENANCE = "needs_maintenance", _("needs maintenance")
        REMOVED = "removed", _("removed")

    centre = models.ForeignKey("centres.Centre", on_delete=models.PROTECT, related_name="murals",
                               verbose_name=_("centre"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    artists = models.ManyToManyField(Artist, blank=True, related_name="murals", verbose_name=_("artists"))
    wall = models.ForeignKey(Wall, on_delete=models.PROTECT, null=True, blank=True, related_name="murals",
                             verbose_name=_("wall"))
    address = models.CharField(_("address"), max_length=250)
    zone = models.ForeignKey("centres.Zone", on_delete=models.PROTECT, null=True, blank=True, related_name="murals",
                             verbose_name=_("zone"))
    sponsors = models.ManyToManyField("centres.Business", blank=True, related_name="sponsored_murals",
                                      verbose_name=_("sponsor businesses"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text=_("The year the mural was (or is to be) painted."))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0.01"))])
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PLANNED,
                              editable=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal("-180")),
                                                MaxValueValidator(Decimal("180"))])
    trail_order = models.PositiveSmallIntegerField(
        _("position on the walking trail"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("1 is the first stop. Empty: not on the trail. Only completed murals are shown on it."))
    winning_entry = models.OneToOneField(
        "contests.Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="mural",
        verbose_name=_("winning design"), help_text=_("The contest entry this mural was made from."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("mural")
        verbose_name_plural = _("murals")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "slug"], name="mural_unique_slug_per_centre",
                                    violation_error_message=_("A mural with this slug already exists.")),
            models.UniqueConstraint(fields=["centre", "trail_order"], condition=Q(trail_order__isnull=False),
                                    name="mural_unique_trail_order_per_centre",
                                    violation_error_message=_("Another mural already has this place on the trail.")),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="mural_area_positive",
                                   violation_error_message=_("The area must be above zero.")),
            models.CheckConstraint(condition=Q(year__gte=MIN_YEAR) & Q(year__lte=MAX_YEAR), name="mural_year_range",
                                   violation_error_message=_("Give a year between 1900 and 2100.")),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="mural_latitude_range", violation_error_message=_("Latitude is between -90 and 90.")),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="mural_longitude_range", violation_error_message=_("Longitude is between -180 and 180.")),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="mural_coordinates_both_or_none",
                violation_error_message=_("Give both latitude and longitude, or neither.")),
            models.CheckConstraint(condition=Q(trail_order__isnull=True) | Q(trail_order__gte=1),
                                   name="mural_trail_order_positive",
                                   violation_error_message=_("Trail positions start at 1.")),
        ]
        indexes = [models.Index(fields=["centre", "status", "year"], name="mural_gallery")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def description(self) -> str:
        return bilingual(self, "description")

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def first_photo(self) -> MuralPhoto | None:
        photos = list(self.photos.all())
        return photos[0] if photos else None


class MuralPhoto(models.Model):
    mural = models.ForeignKey(Mural, on_delete=models.CASCADE, related_name="photos", verbose_name=_("mural"))
    image = models.ImageField(_("image"), upload_to="murals/photos/%Y/")
    alt_pl = models.CharField(_("alternative text (Polish)"), max_length=250,
                              help_text=_("What the picture shows, for people who cannot see it."))
    alt_en = models.CharField(_("alternative text (English)"), max_length=250, blank=True)
    credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("mural photo")
        verbose_name_plural = _("mural photos")
        ordering = ["mural", "position", "pk"]

    def __str__(self) -> str:
        return self.alt

    @property
    def alt(self) -> str:
        return bilingual(self, "alt")


class MuralStatusChange(StatusChange):
    """History of a mural's status (core.workflow): who moved it, when and why. Never edited."""

    mural = models.ForeignKey(Mural, on_delete=models.CASCADE, related_name="history", verbose_name=_("mural"))
    from_status = models.CharField(_("from"), max_length=30, choices=Mural.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=30, choices=Mural.Status.choices)

    class Meta(StatusChange.Meta):
        verbose_name = _("mural status change")
        verbose_name_plural = _("mural status changes")
        ordering = ["mural", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.mural}: {self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class MuralDesignEntry(Entry):
    """The contest engine's entries seen from the register, so the office can turn a winning design into a mural
    from the admin (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("mural design")
        verbose_name_plural = _("mural designs")
