"""The fee: area × days (both ends) × the rate on each day, the green discount, one rounding at the end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gardens.models import GreeneryKind
from gardens.services import quote_fee, quote_for_zone
from tests.gardens.factories import SeasonFactory, TierFactory, rate

ALL = [GreeneryKind.TALL_PLANTS, GreeneryKind.PLANTERS, GreeneryKind.HANGING]


@pytest.fixture
def season(centre):
    season = SeasonFactory(centre=centre, year=2027)
    TierFactory(season=season, min_kinds=3, percent=Decimal("30"))
    TierFactory(season=season, min_kinds=2, percent=Decimal("10"))
    return season


def test_both_ends_of_the_period_are_counted(zone, season):
    rate(zone, "4.00")
    quote = quote_fee(zone=zone, area_m2=Decimal("10"), start=dt.date(2027, 6, 1), end=dt.date(2027, 6, 30),
                      greenery_kinds=[], season=season)
    assert quote.days == 30
    assert quote.gross == Decimal("1200.00")
    assert quote.total == Decimal("1200.00")
    assert quote.discount == Decimal("0.00")


def test_a_rate_changing_inside_the_period_applies_from_its_first_day(zone, season):
    rate(zone, "4.00", valid_to=dt.date(2027, 6, 15))
    rate(zone, "5.00", valid_from=dt.date(2027, 6, 16))
    quote = quote_fee(zone=zone, area_m2=Decimal("10"), start=dt.date(2027, 6, 10), end=dt.date(2027, 6, 20),
                      greenery_kinds=[], season=season)
    assert [(p.start, p.end, p.days, p.rate) for p in quote.periods] == [
        (dt.date(2027, 6, 10), dt.date(2027, 6, 15), 6, Decimal("4.00")),
        (dt.date(2027, 6, 16), dt.date(2027, 6, 20), 5, Decimal("5.00")),
    ]
    assert quote.gross == Decimal("490.00")  # 10 × (6 × 4 + 5 × 5)


def test_a_leap_day_is_a_day_of_the_fee(centre, zone):
    winter = SeasonFactory(centre=centre, year=2027)  # winter window 16 Nov 2027 – 29 Feb 2028
    rate(zone, "1.00")
    quote = quote_fee(zone=zone, area_m2=Decimal("1"), start=dt.date(2028, 2, 27), end=dt.date(2028, 3, 1),
                      greenery_kinds=[], season=winter)
    assert quote.days == 4
    assert quote.gross == Decimal("4.00")
    assert winter.winter_end == dt.date(2028, 2, 29)


def test_a_day_without_a_rate_is_an_error_not_a_zero(zone, season):
    rate(zone, "4.00", valid_to=dt.date(2027, 6, 10))
    rate(zone, "4.00", valid_from=dt.date(2027, 6, 20))
    with pytest.raises(ValidationError) as exc:
        quote_fee(zone=zone, area_m2=Decimal("10"), start=dt.date(2027, 6, 1), end=dt.date(2027, 6, 30),
                  greenery_kinds=[], season=season)
    assert "No café-garden rate" in str(exc.value)
    assert "11" in str(exc.value)


def test_no_rate_at_all_is_an_error(zone, season):
    with pytest.raises(ValidationError):
        quote_fee(zone=zone, area_m2=Decimal("10"), start=dt.date(2027, 6, 1), end=dt.date(2027, 6, 2),
                  greenery_kinds=[], season=season)


@pytest.mark.parametrize(("kinds", "percent", "total"), [
    (ALL, Decimal("30"), Decimal("840.00")),
    (ALL[:2], Decimal("10"), Decimal("1080.00")),
    (ALL[:1], Decimal("0"), Decimal("1200.00")),
    ([], Decimal("0"), Decimal("1200.00")),
])
def test_the_green_discount_follows_the_tiers(zone, season, kinds, percent, total):
    rate(zone, "4.00")
    quote = quote_fee(zone=zone, area_m2=Decimal("10"), start=dt.date(2027, 6, 1), end=dt.date(2027, 6, 30),
                      greenery_kinds=kinds, season=season)
    assert quote.discount_percent == percent
    assert quote.total == total
    assert quote.gross - quote.discount == quote.total


def test_rounding_happens_once_at_the_end_half_up(zone, season):
    # 0.35 m² × 3 days × 1.15 PLN = 1.2075; 10 % off = 1.08675 → 1.09 (rounding each step would give 1.08)
    rate(zone, "1.15")
    quote = quote_fee(zone=zone, area_m2=Decimal("0.35"), start=dt.date(2027, 6, 1), end=dt.date(2027, 6, 3),
                      greenery_kinds=ALL[:2], season=season)
    assert quote.unrounded_total == Decimal("1.086750")
    assert quote.total == Decimal("1.09")
    assert quote.gross == Decimal("1.21")


def test_quote_for_a_period_outside_every_season_is_refused(zone, season):
    rate(zone, "4.00")
    with pytest.raises(ValidationError) as exc:
        quote_for_zone(zone=zone, area_m2=Decimal("10"), start=dt.date(2027, 3, 1), end=dt.date(2027, 3, 20),
                       greenery_kinds=[])
    assert "period_start" in exc.value.message_dict


def test_quote_in_the_winter_window_finds_last_years_season(zone, season):
    rate(zone, "4.00")
    quote = quote_for_zone(zone=zone, area_m2=Decimal("10"), start=dt.date(2028, 1, 1), end=dt.date(2028, 1, 10),
                           greenery_kinds=ALL)
    assert quote.discount_percent == Decimal("30")


def test_breakdown_is_json_ready(zone, season):
    rate(zone, "4.00")
    data = quote_fee(zone=zone, area_m2=Decimal("10"), start=dt.date(2027, 6, 1), end=dt.date(2027, 6, 2),
                     greenery_kinds=[], season=season).as_dict()
    assert data["total"] == "80.00"
    assert data["periods"][0] == {"start": "2027-06-01", "end": "2027-06-02", "days": 2, "rate": "4.00",
                                  "amount": "80.00"}
