"""API: perks and partners (public), cards (own / staff), checks (cursor-paged, scoped), figures, perk writes."""

from __future__ import annotations

import pytest

from loyalty.models import Card, Perk
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.loyalty.factories import CardFactory, CheckFactory, PartnerFactory, PerkFactory

pytestmark = pytest.mark.django_db


def test_public_perk_list_filters_and_fixed_queries(api, partner, perk, centre, django_assert_max_num_queries):
    for _ in range(15):
        PerkFactory(partner=PartnerFactory(centre=centre))
    PerkFactory(partner=partner, is_active=False, title_pl="Ukryta")
    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/loyalty/perks/")
    assert response.status_code == 200
    titles = [p["title_pl"] for p in response.json()["results"]]
    assert perk.title_pl in titles and "Ukryta" not in titles
    assert api.get("/api/v1/loyalty/perks/", {"partner": partner.pk}).json()["count"] == 1
    assert api.get("/api/v1/loyalty/perks/", {"search": "kawę"}).json()["count"] == 1
    assert api.get("/api/v1/loyalty/perks/", {"category": "bogus"}).status_code == 400
    assert api.get("/api/v1/loyalty/perks/", {"partner": "x"}).status_code == 400
    assert api.get("/api/v1/loyalty/partners/").json()["count"] == 16


def test_manager_creates_perk_and_bad_values_get_400(manager, partner):
    client = client_for(manager)
    base = {"partner": partner.pk, "title_pl": "Rabat", "kind": "percent", "valid_from": "2026-01-01"}
    for value in ("0", "120"):
        response = client.post("/api/v1/loyalty/perks/", {**base, "value": value})
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "value"
    reversed_dates = client.post("/api/v1/loyalty/perks/", {**base, "value": "10", "valid_until": "2025-01-01"})
    assert reversed_dates.status_code == 400 and reversed_dates.json()["errors"][0]["attr"] == "valid_until"
    amount = client.post("/api/v1/loyalty/perks/", {**base, "kind": "amount", "value": "-5"})
    assert amount.status_code == 400
    created = client.post("/api/v1/loyalty/perks/", {**base, "value": "10", "weekdays": [5, 6]})
    assert created.status_code == 201, created.json()
    assert Perk.objects.get(pk=created.json()["id"]).weekdays == 0b1100000


def test_till_staff_resident_and_other_business_cannot_write_perks(till, resident, perk, partner, centre):
    b_owner = MembershipFactory(business=PartnerFactory(centre=centre).business, role="owner").user
    for user in (till, resident, b_owner):
        client = client_for(user)
        assert client.patch(f"/api/v1/loyalty/perks/{perk.pk}/", {"title_pl": "X"}).status_code == 403
        assert client.post("/api/v1/loyalty/perks/", {"partner": partner.pk, "title_pl": "X", "kind": "other",
                                                      "valid_from": "2026-01-01"}).status_code == 403
    perk.refresh_from_db()
    assert perk.title_pl != "X"


def test_hidden_perk_is_404_for_outsiders_and_visible_to_its_manager(manager, partner, resident):
    hidden = PerkFactory(partner=partner, is_active=False)
    assert client_for(resident).get(f"/api/v1/loyalty/perks/{hidden.pk}/").status_code == 404
    assert client_for(manager).get(f"/api/v1/loyalty/perks/{hidden.pk}/").status_code == 200


def test_resident_sees_only_own_card_and_its_live_code(card, centre, api, staff):
    other = CardFactory(centre=centre)
    client = client_for(card.holder)
    listed = client.get("/api/v1/loyalty/cards/").json()["results"]
    assert [c["id"] for c in listed] == [card.pk]
    assert "qr_token" not in listed[0], "no token in lists: the holder fetches a live one"
    code = client.get(f"/api/v1/loyalty/cards/{card.pk}/code/").json()
    assert code["token"].startswith("MS1.") and len(code["code"]) == 6 and "<svg" in code["svg"]
    assert code["expires_at"] - code["issued_at"] == 300 and code["refresh_at"] < code["expires_at"]
    assert client.get(f"/api/v1/loyalty/cards/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/loyalty/cards/{other.pk}/code/").status_code == 404
    assert client_for(staff).get(f"/api/v1/loyalty/cards/{card.pk}/code/").status_code == 403
    assert api.get("/api/v1/loyalty/cards/").status_code == 401


def test_resident_applies_through_the_api(resident, centre):
    client = client_for(resident)
    body = {"centre": centre.slug, "first_name": "Jan", "last_name": "K", "address": "Szeroka 1",
            "postal_code": "87-100", "city": "Toruń", "accept_terms": True}
    assert client.post("/api/v1/loyalty/cards/", body).status_code == 201
    again = client.post("/api/v1/loyalty/cards/", body)
    assert again.status_code == 400
    assert client.post("/api/v1/loyalty/cards/", {**body, "centre": "nope"}).status_code == 400


def test_staff_moves_cards_of_own_centre_only(staff, other_staff, centre):
    pending = CardFactory(centre=centre, status="pending", valid_from=None, valid_until=None)
    response = client_for(staff).post(f"/api/v1/loyalty/cards/{pending.pk}/activate/", {"note": "residence ok"})
    assert response.status_code == 200 and response.json()["status"] == "active"
    assert client_for(other_staff).post(f"/api/v1/loyalty/cards/{pending.pk}/suspend/").status_code == 404
    refused = client_for(staff).post(f"/api/v1/loyalty/cards/{pending.pk}/activate/")
    assert refused.status_code == 400
    new = client_for(staff).post(f"/api/v1/loyalty/cards/{pending.pk}/reissue/").json()
    assert new["id"] != pending.pk and new["status"] == "active"


def test_holder_cannot_activate_own_card(centre, holder):
    card = CardFactory(centre=centre, holder=holder, status="pending", valid_from=None, valid_until=None)
    assert client_for(holder).post(f"/api/v1/loyalty/cards/{card.pk}/activate/").status_code == 403
    assert Card.objects.get(pk=card.pk).status == "pending"


def test_checks_are_scoped_and_partner_sees_no_card_number(card, partner, perk, till, staff, other_staff,
                                                          centre, django_assert_max_num_queries):
    CheckFactory.create_batch(3, partner=partner, card=card, perk=perk)
    other_partner = PartnerFactory(centre=centre)
    CheckFactory(partner=other_partner, card=CardFactory(centre=centre))
    mine = client_for(card.holder).get("/api/v1/loyalty/checks/").json()
    assert len(mine["results"]) == 3 and mine["results"][0]["card_number"] == card.number
    client = client_for(till)
    with django_assert_max_num_queries(6):
        theirs = client.get("/api/v1/loyalty/checks/").json()
    assert len(theirs["results"]) == 3
    assert all(r["card_number"] is None for r in theirs["results"])
    assert len(client_for(staff).get("/api/v1/loyalty/checks/").json()["results"]) == 4
    assert client_for(other_staff).get("/api/v1/loyalty/checks/").json()["results"] == []
    assert client_for(UserFactory()).get("/api/v1/loyalty/checks/").json()["results"] == []
    paged = client_for(staff).get("/api/v1/loyalty/checks/", {"page_size": 2}).json()
    assert len(paged["results"]) == 2 and "cursor=" in paged["next"]
    assert client_for(staff).get("/api/v1/loyalty/checks/", {"since": "not-a-date"}).status_code == 400


def test_figures_endpoints_are_scoped(owner, till, partner, perk, card, staff, other_staff, centre):
    CheckFactory.create_batch(2, partner=partner, card=card, perk=perk, accepted=True)
    mine = client_for(owner).get("/api/v1/loyalty/figures/partner/")
    assert mine.status_code == 200 and mine.json()["headline"] == {"checks": 2, "accepted_uses": 2}
    assert card.last_name not in mine.content.decode()
    assert client_for(till).get("/api/v1/loyalty/figures/partner/").status_code == 404
    b_owner = MembershipFactory(business=PartnerFactory(centre=centre).business, role="owner").user
    assert client_for(b_owner).get("/api/v1/loyalty/figures/partner/", {"partner": partner.pk}).status_code == 404
    assert client_for(b_owner).get("/api/v1/loyalty/figures/partner/", {"partner": "x"}).status_code == 400
    office = client_for(staff).get("/api/v1/loyalty/figures/office/")
    assert office.status_code == 200 and office.json()["headline"]["accepted_uses"] == 2
    assert client_for(other_staff).get("/api/v1/loyalty/figures/office/",
                                       {"centre": centre.slug}).status_code == 404
    assert client_for(owner).get("/api/v1/loyalty/figures/office/").status_code == 404
