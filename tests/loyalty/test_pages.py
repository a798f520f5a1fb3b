"""Pages: public perks and partner, apply, my card, the till, perks management and figures, with permissions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from loyalty import tokens
from loyalty.models import Card, Check, Perk
from tests.factories import BusinessFactory, MembershipFactory, UserFactory
from tests.loyalty.factories import CardFactory, CheckFactory, PartnerFactory, PerkFactory

pytestmark = pytest.mark.django_db


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_perk_list_is_public_filterable_and_hides_expired_perks(partner, perk, centre):
    PerkFactory(partner=partner, title_pl="Stara oferta", valid_until="2020-06-30")
    PerkFactory(partner=partner, title_pl="Wyłączona", is_active=False)
    shop = PartnerFactory(centre=centre, business=BusinessFactory(centre=centre, category="shop"))
    PerkFactory(partner=shop, title_pl="Pierniki gratis", kind=Perk.Kind.FREE_ITEM, value=None)
    page = browser().get(reverse("loyalty:perk-list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert perk.title_pl in html and "Pierniki gratis" in html
    assert "Stara oferta" not in html and "Wyłączona" not in html
    only_shops = browser().get(reverse("loyalty:perk-list"), {"category": "shop"}).content.decode()
    assert "Pierniki gratis" in only_shops and perk.title_pl not in only_shops
    searched = browser().get(reverse("loyalty:perk-list"), {"q": "piernik"}).content.decode()
    assert "Pierniki gratis" in searched and perk.title_pl not in searched
    assert browser().get(reverse("loyalty:perk-list"), {"category": "nonsense"}).status_code == 400


def test_partner_page_is_public_but_not_for_inactive_partner(partner, perk, centre):
    assert browser().get(reverse("loyalty:partner-detail", args=[partner.pk])).status_code == 200
    gone = PartnerFactory(centre=centre, is_active=False)
    assert browser().get(reverse("loyalty:partner-detail", args=[gone.pk])).status_code == 404


def test_resident_applies_on_the_page(resident, centre):
    response = browser(resident).post(reverse("loyalty:apply"), {
        "first_name": "Maria", "last_name": "Toruńska", "address": "Szeroka 1", "postal_code": "87-100",
        "city": "Toruń", "accept_terms": "on"})
    assert response.status_code == 302
    assert Card.objects.get(holder=resident).status == Card.Status.PENDING


def test_application_without_consent_rerenders_with_message(resident, centre):
    response = browser(resident).post(reverse("loyalty:apply"), {
        "first_name": "Maria", "last_name": "T", "address": "Szeroka 1", "postal_code": "87100", "city": "Toruń"})
    assert response.status_code == 400
    assert not Card.objects.exists()
    assert response.context["form"].errors.keys() >= {"accept_terms", "postal_code"}


def test_apply_and_my_card_need_login(centre):
    for name in ("loyalty:apply", "loyalty:my-card", "loyalty:till", "loyalty:partner-figures"):
        assert browser().get(reverse(name)).status_code == 302


def test_my_card_shows_qr_svg_status_and_only_own_uses(card, partner, perk, centre):
    CheckFactory(partner=partner, card=card, perk=perk, accepted=True)
    stranger_card = CardFactory(centre=centre)
    other_partner = PartnerFactory(centre=centre, business__name="Cudza Kawiarnia")
    CheckFactory(partner=other_partner, card=stranger_card)
    html = browser(card.holder).get(reverse("loyalty:my-card")).content.decode()
    assert "<svg" in html and card.formatted_number in html
    assert partner.business.name in html
    assert "Cudza Kawiarnia" not in html
    minted = tokens.mint_for_card(card)
    assert minted.token not in html, "the QR code carries the token, not as text"
    assert minted.code in html, "the 6-digit code is shown under the QR code"
    assert "onclick" not in html and "<script>" not in html, "no inline script (CSP)"


def test_my_card_of_someone_without_a_card_offers_to_apply(resident, centre):
    html = browser(resident).get(reverse("loyalty:my-card")).content.decode()
    assert reverse("loyalty:apply") in html and "<svg" not in html


def test_till_page_checks_a_typed_number_and_code_for_till_staff(till, partner, card, perk):
    response = browser(till).post(reverse("loyalty:till"), {
        "partner": partner.pk, "number": card.formatted_number, "code": tokens.mint_for_card(card).code,
        "perk": perk.pk})
    assert response.status_code == 200
    assert response.context["outcome"].valid and response.context["outcome"].accepted
    html = response.content.decode()
    assert "Maria T." in html and 'class="ms-result green"' in html
    assert partner.business.name in html and 'inputmode="numeric"' in html
    assert Check.objects.get().checked_by == till


def test_till_page_shows_amber_for_a_refused_perk_on_a_valid_card(till, partner, card, perk):
    response = browser(till).post(reverse("loyalty:till"), {"partner": partner.pk, "number": card.number,
                                                            "perk": perk.pk})
    assert response.context["outcome"].outcome == "amber"
    assert 'class="ms-result amber"' in response.content.decode()


def test_terms_and_privacy_pages_and_the_accepted_version(resident, centre):
    from django.utils import timezone

    from loyalty.models import ProgrammeTerms

    ProgrammeTerms.objects.create(centre=centre, version="2026-01", body_pl="Regulamin", body_en="Terms",
                                  published_at=timezone.now())
    form = browser(resident).get(reverse("loyalty:apply")).content.decode()
    assert reverse("loyalty:terms") in form and reverse("loyalty:privacy") in form
    assert browser().get(reverse("loyalty:terms")).status_code == 200
    assert browser().get(reverse("loyalty:privacy")).status_code == 200
    browser(resident).post(reverse("loyalty:apply"), {
        "first_name": "Maria", "last_name": "Toruńska", "address": "Szeroka 1", "postal_code": "87-100",
        "city": "Toruń", "accept_terms": "on", "terms_version": "2026-01"})
    assert Card.objects.get(holder=resident).terms.version == "2026-01"


def test_till_page_refuses_a_mistyped_number_without_recording(till, partner, card):
    wrong = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    response = browser(till).post(reverse("loyalty:till"), {"partner": partner.pk, "number": wrong})
    assert response.status_code == 400
    assert response.context["form"].errors["number"]
    assert not Check.objects.exists()


def test_till_page_is_404_for_people_of_no_partner_and_b_cannot_pick_a(resident, partner, centre, card):
    assert browser(resident).get(reverse("loyalty:till")).status_code == 404
    b = PartnerFactory(centre=centre)
    b_staff = MembershipFactory(business=b.business, role="till").user
    response = browser(b_staff).post(reverse("loyalty:till"), {"partner": partner.pk, "number": card.number})
    assert response.status_code == 400  # not one of the choices
    assert not Check.objects.exists()


def test_partner_figures_for_owner_and_manager_not_till_nor_other_business(owner, manager, till, partner, perk,
                                                                          card, centre):
    CheckFactory.create_batch(3, partner=partner, card=card, perk=perk, accepted=True)
    for user in (owner, manager):
        response = browser(user).get(reverse("loyalty:partner-figures"))
        assert response.status_code == 200
        assert response.context["figures"]["headline"] == {"checks": 3, "accepted_uses": 3}
        assert card.last_name not in response.content.decode()
    assert browser(till).get(reverse("loyalty:partner-figures")).status_code == 404
    b_owner = MembershipFactory(business=PartnerFactory(centre=centre).business, role="owner").user
    assert browser(b_owner).get(reverse("loyalty:partner-figures"), {"partner": partner.pk}).status_code == 404


def test_manager_adds_and_edits_a_perk_with_clear_errors(manager, partner):
    url = reverse("loyalty:perk-create") + f"?partner={partner.pk}"
    bad = browser(manager).post(url, {"title_pl": "Zniżka", "kind": "percent", "value": "120",
                                      "valid_from": "2026-05-01", "valid_until": "2026-04-01",
                                      "weekday_list": ["0", "1"]})
    assert bad.status_code == 400
    assert bad.context["form"].errors.keys() >= {"value", "valid_until"}
    good = browser(manager).post(url, {"title_pl": "Zniżka", "kind": "percent", "value": "15",
                                       "valid_from": "2026-05-01", "weekday_list": ["0", "1"], "is_active": "on"})
    assert good.status_code == 302
    perk = Perk.objects.get(title_pl="Zniżka")
    assert perk.weekday_list == [0, 1]
    edit = browser(manager).post(reverse("loyalty:perk-edit", args=[perk.pk]), {
        "title_pl": "Zniżka 20", "kind": "percent", "value": "20", "valid_from": "2026-05-01",
        "weekday_list": ["0"], "is_active": "on"})
    assert edit.status_code == 302
    perk.refresh_from_db()
    assert (perk.title_pl, perk.value, perk.weekdays) == ("Zniżka 20", 20, 1)


def test_till_staff_and_other_business_cannot_edit_perks(till, perk, centre):
    assert browser(till).get(reverse("loyalty:perk-edit", args=[perk.pk])).status_code == 404
    b_owner = MembershipFactory(business=PartnerFactory(centre=centre).business, role="owner").user
    assert browser(b_owner).get(reverse("loyalty:perk-edit", args=[perk.pk])).status_code == 404
    assert browser(till).get(reverse("loyalty:partner-perks")).status_code == 404


def test_office_figures_for_staff_of_the_centre_with_csv(staff, other_staff, partner, perk, card):
    CheckFactory.create_batch(2, partner=partner, card=card, perk=perk, accepted=True)
    page = browser(staff).get(reverse("loyalty:office-figures"))
    assert page.status_code == 200
    assert page.context["figures"]["headline"]["accepted_uses"] == 2
    csv = browser(staff).get(reverse("loyalty:office-figures-csv", args=["checks-per-partner"]))
    assert csv.status_code == 200
    assert partner.business.name in csv.content.decode("utf-8-sig")
    assert browser(other_staff).get(reverse("loyalty:office-figures"),
                                    {"centre": partner.centre.slug}).status_code == 404
    assert browser(UserFactory()).get(reverse("loyalty:office-figures")).status_code == 404
    assert browser(staff).get(reverse("loyalty:office-figures-csv", args=["nope"])).status_code == 404


def test_pages_speak_polish_by_default(centre, partner, perk):
    html = browser().get(reverse("loyalty:perk-list")).content.decode()
    assert "Karta mieszkańca Starówki" in html
