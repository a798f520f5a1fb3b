"""factory_boy factories of the centre model, shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from centres.demo import valid_nip
from centres.models import Business, BusinessMembership, Centre, FeeRate, Street, User, Zone
from office.roles import ensure_office_staff_group

PASSWORD = "Correct-Horse-42"


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Centre {n}")
    slug = factory.Sequence(lambda n: f"centre-{n}")
    code = factory.Sequence(lambda n: "C" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    city = "Toruń"
    office_name = "Biuro Centrum Miasta"
    address = "ul. Wały Gen. Sikorskiego 8, 87-100 Toruń"
    email = factory.LazyAttribute(lambda o: f"office@{o.slug}.example.org")


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Zone {n}")
    slug = factory.Sequence(lambda n: f"zone-{n}")
    kind = Zone.Kind.PUBLIC_ROAD


class FeeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeeRate

    zone = factory.SubFactory(ZoneFactory)
    use = FeeRate.Use.CAFE_GARDEN
    price_pln = Decimal("4.00")
    valid_from = dt.date(2020, 1, 1)
    valid_to = None


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    zone = factory.SubFactory(ZoneFactory)
    centre = factory.LazyAttribute(lambda o: o.zone.centre)
    name = factory.Sequence(lambda n: f"Ulica {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Kowalski{n}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def centres(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.groups.add(ensure_office_staff_group())
        for centre in extracted or []:
            obj.staff_centres.add(centre)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    centre = factory.SubFactory(CentreFactory)
    zone = factory.LazyAttribute(lambda o: ZoneFactory(centre=o.centre))
    street = factory.LazyAttribute(lambda o: StreetFactory(zone=o.zone, centre=o.centre))
    name = factory.Sequence(lambda n: f"Kawiarnia {n}")
    slug = factory.Sequence(lambda n: f"kawiarnia-{n}")
    nip = factory.Sequence(lambda n: valid_nip(1_000_000 + n * 7919))
    building_number = "1"
    category = Business.Category.CAFE
    email = factory.Sequence(lambda n: f"firm{n}@example.org")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessMembership

    user = factory.SubFactory(UserFactory)
    business = factory.SubFactory(BusinessFactory)
    role = BusinessMembership.Role.OWNER
