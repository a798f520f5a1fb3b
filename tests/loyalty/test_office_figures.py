"""Moja Starówka's figures on the office dashboard speak the page's language (issue 14)."""

from __future__ import annotations

import pytest
from django.utils import translation

from loyalty.office import top_perks
from tests.loyalty.factories import CheckFactory, PartnerFactory, PerkFactory

pytestmark = pytest.mark.django_db


def test_top_perks_are_named_in_the_pages_language_with_the_polish_title_as_fallback(centre):
    partner = PartnerFactory(centre=centre)
    coffee = PerkFactory(partner=partner, title_pl="10% rabatu na kawę", title_en="10% off coffee")
    polish_only = PerkFactory(partner=partner, title_pl="Darmowy przewodnik", title_en="")
    for _i in range(2):
        CheckFactory(partner=partner, perk=coffee, accepted=True)
    CheckFactory(partner=partner, perk=polish_only, accepted=True)

    with translation.override("en"):
        english = [(row[1], row[2]) for row in top_perks(centre).rows]
    with translation.override("pl"):
        polish = [(row[1], row[2]) for row in top_perks(centre).rows]

    assert english == [("10% off coffee", 2), ("Darmowy przewodnik", 1)]
    assert polish == [("10% rabatu na kawę", 2), ("Darmowy przewodnik", 1)]
