import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from centres import selectors, services
from centres.models import FeeRate
from tests.conftest import client_for
from tests.factories import FeeRateFactory

D = dt.date


@pytest.fixture
def rates(zone):
    old = services.create_fee_rate(zone=zone, use="cafe_garden", price_pln=Decimal("4.00"), valid_from=D(2024, 1, 1),
                                   valid_to=D(2025, 6, 30))
    new = services.create_fee_rate(zone=zone, use="cafe_garden", price_pln=Decimal("5.00"), valid_from=D(2025, 7, 1))
    return old, new


def test_rate_on_a_day_is_the_one_in_force(zone, rates, django_assert_num_queries):
    old, new = rates
    with django_assert_num_queries(1):
        assert selectors.rate_on(zone=zone, use="cafe_garden", day=D(2025, 6, 30)) == old
    assert selectors.rate_on(zone=zone, use="cafe_garden", day=D(2025, 7, 1)) == new
    assert selectors.rate_on(zone=zone, use="cafe_garden", day=D(2030, 1, 1)) == new
    assert selectors.rate_on(zone=zone, use="cafe_garden", day=D(2023, 12, 31)) is None
    assert selectors.rate_on(zone=zone, use="fair_trade", day=D(2025, 1, 1)) is None


def test_rates_between_returns_every_rate_touching_the_period(zone, rates):
    old, new = rates
    assert selectors.rates_between(zone=zone, use="cafe_garden", start=D(2025, 6, 1), end=D(2025, 7, 15)) == [old, new]


@pytest.mark.parametrize(("start", "end"), [(D(2025, 1, 1), D(2025, 1, 31)), (D(2023, 1, 1), None),
                                            (D(2025, 6, 30), D(2025, 7, 1)), (D(2031, 1, 1), None)])
def test_overlapping_rate_is_refused(zone, rates, start, end):
    with pytest.raises(ValidationError) as exc:
        services.create_fee_rate(zone=zone, use="cafe_garden", price_pln=Decimal("6.00"), valid_from=start,
                                 valid_to=end)
    assert [e.code for e in exc.value.error_dict["valid_from"]] == ["rate_overlap"]
    assert FeeRate.objects.filter(zone=zone).count() == 2


def test_same_period_for_another_use_is_allowed(zone, rates):
    services.create_fee_rate(zone=zone, use="fair_trade", price_pln=Decimal("0.10"), valid_from=D(2024, 1, 1))


def test_reversed_dates_are_refused(zone):
    with pytest.raises(ValidationError):
        services.create_fee_rate(zone=zone, use="cafe_garden", price_pln=Decimal("1"), valid_from=D(2025, 2, 1),
                                 valid_to=D(2025, 1, 1))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
def test_database_refuses_overlap_even_past_the_service(zone, rates):
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeRateFactory(zone=zone, valid_from=D(2025, 1, 1), valid_to=D(2025, 2, 1))


def test_api_refuses_overlapping_rate_with_field_message(zone, rates, staff):
    response = client_for(staff).post("/api/v1/fee-rates/", {"zone": zone.pk, "use": "cafe_garden",
                                                            "price_pln": "6.00", "valid_from": "2025-01-01"})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert body["errors"][0]["attr"] == "valid_from"


def test_staff_adds_rate_through_api(zone, staff):
    response = client_for(staff).post("/api/v1/fee-rates/", {"zone": zone.pk, "use": "cafe_garden",
                                                            "price_pln": "4.00", "valid_from": "2026-03-15"})
    assert response.status_code == 201, response.json()
    assert selectors.rate_on(zone=zone, use="cafe_garden", day=D(2026, 5, 1)).price_pln == Decimal("4.00")


def test_staff_of_another_centre_cannot_add_rate(zone, other_staff):
    response = client_for(other_staff).post("/api/v1/fee-rates/", {"zone": zone.pk, "use": "cafe_garden",
                                                                  "price_pln": "4.00", "valid_from": "2026-03-15"})
    assert response.status_code == 403
    assert not FeeRate.objects.exists()


def test_zone_list_shows_current_rates_in_fixed_queries(api, centre, django_assert_max_num_queries):
    from tests.factories import ZoneFactory

    for _ in range(6):
        z = ZoneFactory(centre=centre)
        FeeRateFactory(zone=z, valid_from=D(2020, 1, 1))
    with django_assert_max_num_queries(5):
        response = api.get("/api/v1/zones/")
    assert response.status_code == 200
    assert response.json()["count"] == 6
    assert response.json()["results"][0]["current_rates"][0]["price_pln"] == "4.00"
