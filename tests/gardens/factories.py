"""factory_boy factories of the gardens app."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from gardens.models import AestheticRule, Attachment, GardenApplication, GreenDiscountTier, Season
from tests.factories import BusinessFactory, FeeRateFactory


class SeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Season
        django_get_or_create = ("centre", "year")

    centre = factory.SubFactory("tests.factories.CentreFactory")
    year = 2027
    summer_start = factory.LazyAttribute(lambda o: dt.date(o.year, 3, 15))
    summer_end = factory.LazyAttribute(lambda o: dt.date(o.year, 11, 15))
    winter_start = factory.LazyAttribute(lambda o: dt.date(o.year, 11, 16))
    winter_end = factory.LazyAttribute(lambda o: dt.date(o.year + 1, 3, 1) - dt.timedelta(days=1))
    bank_account = "PL61109010140000071219812874"
    legal_basis = "Uchwała nr 183/07 Rady Miasta Torunia z dnia 14 czerwca 2007 r. (z późn. zm.)"


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AestheticRule

    season = factory.SubFactory(SeasonFactory)
    code = factory.Sequence(lambda n: f"rule-{n}")
    title_pl = factory.Sequence(lambda n: f"Zasada {n}")
    title_en = factory.Sequence(lambda n: f"Rule {n}")
    text_pl = "Treść zasady."
    text_en = "The rule's text."
    category = AestheticRule.Category.FURNITURE


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GreenDiscountTier

    season = factory.SubFactory(SeasonFactory)
    min_kinds = 3
    percent = Decimal("30")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A valid draft: 4 m × 5 m = 20 m² in June, in the business's zone, with a 4 PLN rate from 2020."""

    class Meta:
        model = GardenApplication

    business = factory.SubFactory(BusinessFactory)
    season = factory.LazyAttribute(lambda o: SeasonFactory(centre=o.business.centre))
    zone = factory.LazyAttribute(lambda o: o.business.zone)
    street = factory.LazyAttribute(lambda o: o.business.street)
    address = factory.Sequence(lambda n: f"Rynek Staromiejski {n}")
    area_m2 = Decimal("20.00")
    length_m = Decimal("5.00")
    width_m = Decimal("4.00")
    period_start = factory.LazyAttribute(lambda o: dt.date(o.season.year, 6, 1))
    period_end = factory.LazyAttribute(lambda o: dt.date(o.season.year, 6, 30))
    pedestrian_width_m = Decimal("2.00")
    umbrella_colour = "ecru"
    status = GardenApplication.Status.DRAFT


def rate(zone, price="4.00", valid_from=dt.date(2020, 1, 1), valid_to=None):
    return FeeRateFactory(zone=zone, price_pln=Decimal(price), valid_from=valid_from, valid_to=valid_to)


def png_bytes(size=(8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="plan.pdf") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def ready_application(**kwargs) -> GardenApplication:
    """A draft that can be submitted: a rate, every rule declared, a site plan attached."""
    from gardens.models import RuleDeclaration

    application = ApplicationFactory(**kwargs)
    if not application.zone.rates.exists():
        rate(application.zone)
    for rule in application.season.rules.filter(is_active=True):
        RuleDeclaration.objects.get_or_create(application=application, rule=rule, defaults={"complies": True})
    Attachment.objects.create(application=application, kind=Attachment.Kind.SITE_PLAN, original_name="plan.pdf",
                              content_type="application/pdf", size=10,
                              file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test"))
    Attachment.objects.create(application=application, kind=Attachment.Kind.PHOTO, original_name="garden.png",
                              content_type="image/png", size=10, file=SimpleUploadedFile("garden.png", png_bytes()))
    return application


def photo_evidence(application: GardenApplication, kinds) -> dict[str, str]:
    """Each kind confirmed on the application's own photo (ready_application attaches one): for approvals."""
    photo = application.attachments.filter(kind=Attachment.Kind.PHOTO).order_by("pk").first()
    return dict.fromkeys(kinds, f"attachment:{photo.pk}")
