import pytest
from django.test import Client

from tests.factories import PASSWORD, BusinessFactory, FeeRateFactory


@pytest.fixture
def staff_client(staff):
    client = Client()
    assert client.login(email=staff.email, password=PASSWORD)
    return client


def test_staff_sees_only_own_centre_businesses_in_admin(staff_client, centre, other_centre):
    mine = BusinessFactory(centre=centre, name="Moja Kawiarnia")
    theirs = BusinessFactory(centre=other_centre, name="Obca Kawiarnia")
    page = staff_client.get("/admin/centres/business/")
    assert page.status_code == 200
    assert mine.name in page.content.decode()
    assert theirs.name not in page.content.decode()
    assert staff_client.get(f"/admin/centres/business/{theirs.pk}/change/").status_code in (302, 404)
    assert staff_client.get(f"/admin/centres/business/{mine.pk}/change/").status_code == 200


def test_staff_cannot_change_another_centres_rate(staff_client, other_centre):
    rate = FeeRateFactory(zone__centre=other_centre)
    response = staff_client.post(f"/admin/centres/feerate/{rate.pk}/change/", {"price_pln": "9.99"})
    assert response.status_code in (302, 404)
    rate.refresh_from_db()
    assert str(rate.price_pln) == "4.00"


def test_staff_sees_only_own_centre(staff_client, centre, other_centre):
    page = staff_client.get("/admin/centres/centre/").content.decode()
    assert centre.name in page
    assert other_centre.name not in page


def test_admin_refuses_overlapping_rate_with_form_error(staff_client, zone):
    FeeRateFactory(zone=zone)
    response = staff_client.post("/admin/centres/feerate/add/", {
        "zone": zone.pk, "use": "cafe_garden", "price_pln": "5.00", "valid_from": "2025-01-01", "resolution": ""})
    assert response.status_code == 200
    assert "overlaps" in response.content.decode() or "nakłada" in response.content.decode()
    assert zone.rates.count() == 1


def test_resident_cannot_open_admin(resident):
    client = Client()
    client.login(email=resident.email, password=PASSWORD)
    assert client.get("/admin/centres/business/").status_code == 302


def test_staff_cannot_read_the_cross_centre_audit_log_or_mail_ledger(staff_client):
    assert staff_client.get("/admin/auditlog/logentry/").status_code == 403
    assert staff_client.get("/admin/core/sentnotification/").status_code == 403


def test_a_zones_page_lists_its_rates_but_writes_them_only_through_the_rate_service(staff_client, zone):
    """The zone's rate inline is read-only: a rate saved there would skip the overlap check of the service."""
    rate = FeeRateFactory(zone=zone)
    html = staff_client.get(f"/admin/centres/zone/{zone.pk}/change/").content.decode()
    assert f"/admin/centres/feerate/{rate.pk}/change/" in html
    assert 'name="rates-0-price_pln"' not in html and 'name="rates-__prefix__-price_pln"' not in html
