"""Fixtures of the loyalty tests: a partner of the shared `business`, its till staff, a perk and a cardholder."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, UserFactory
from tests.loyalty.factories import CardFactory, PartnerFactory, PerkFactory


@pytest.fixture
def partner(business):
    return PartnerFactory(centre=business.centre, business=business)


@pytest.fixture
def till(partner):
    """Till staff of the partner's business (may verify, may not manage)."""
    return MembershipFactory(business=partner.business, role="till").user


@pytest.fixture
def manager(partner):
    return MembershipFactory(business=partner.business, role="manager").user


@pytest.fixture
def perk(partner):
    return PerkFactory(partner=partner, title_pl="10% na kawę", title_en="10% off coffee")


@pytest.fixture
def holder(db):
    return UserFactory(first_name="Maria", last_name="Toruńska")


@pytest.fixture
def card(centre, holder):
    return CardFactory(centre=centre, holder=holder)


@pytest.fixture
def other_partner(other_centre):
    """A partner in another centre, with its own owner."""
    partner = PartnerFactory(centre=other_centre)
    MembershipFactory(business=partner.business, role="owner")
    return partner


@pytest.fixture(autouse=True)
def _english_messages():
    """Service messages are matched in English here (the Polish catalogue is tested by a page test)."""
    from django.utils import translation

    with translation.override("en"):
        yield
