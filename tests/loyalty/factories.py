"""factory_boy factories of the loyalty programme."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from loyalty import tokens
from loyalty.models import Card, Check, Partner, Perk
from tests.factories import BusinessFactory, CentreFactory, UserFactory

_serials = iter(range(500_000, 10**9))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    centre = factory.SubFactory(CentreFactory)
    business = factory.LazyAttribute(lambda o: BusinessFactory(centre=o.centre))
    agreement_start = dt.date(2020, 1, 1)
    agreement_end = None
    is_active = True


class PerkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perk

    partner = factory.SubFactory(PartnerFactory)
    title_pl = factory.Sequence(lambda n: f"Rabat {n}")
    title_en = factory.Sequence(lambda n: f"Discount {n}")
    kind = Perk.Kind.PERCENT
    value = 10
    valid_from = dt.date(2020, 1, 1)
    valid_until = None


class CardFactory(factory.django.DjangoModelFactory):
    """An active card valid from 2020 for years ahead, unless told otherwise."""

    class Meta:
        model = Card

    centre = factory.SubFactory(CentreFactory)
    holder = factory.SubFactory(UserFactory)
    number = factory.LazyFunction(lambda: tokens.number_for(next(_serials)))
    secret = factory.LazyFunction(tokens.new_secret)
    status = Card.Status.ACTIVE
    first_name = "Maria"
    last_name = "Toruńska"
    address = "ul. Szeroka 1/2"
    postal_code = "87-100"
    city = "Toruń"
    email = factory.LazyAttribute(lambda o: o.holder.email)
    terms_accepted_at = factory.LazyFunction(timezone.now)
    valid_from = dt.date(2020, 1, 1)
    valid_until = dt.date(2099, 12, 31)


class CheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Check

    partner = factory.SubFactory(PartnerFactory)
    card = factory.LazyAttribute(lambda o: CardFactory(centre=o.partner.centre))
    result = Check.Result.VALID
    accepted = False
    day = factory.LazyFunction(timezone.localdate)
