"""Office staff act on people of their own centre only; nobody sets a password in the admin."""

import pytest
from django.core import mail
from django.test import Client

from core.security import SecurityEvent
from tests.factories import PASSWORD, BusinessFactory, MembershipFactory, StaffFactory, UserFactory
from tests.loyalty.factories import CardFactory


def login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def resident_of_centre_1(centre):
    return CardFactory(centre=centre).holder


@pytest.fixture
def resident_of_centre_2(other_centre):
    return CardFactory(centre=other_centre).holder


def test_staff_of_centre_2_cannot_see_or_set_password_of_resident_of_centre_1(other_staff, resident_of_centre_1):
    client = login(other_staff)
    listing = client.get("/admin/centres/user/").content.decode()
    assert resident_of_centre_1.email not in listing
    url = f"/admin/centres/user/{resident_of_centre_1.pk}/password/"
    response = client.post(url, {"password1": "Evil-Pass-12345", "password2": "Evil-Pass-12345"})
    assert response.status_code in (403, 404)
    resident_of_centre_1.refresh_from_db()
    assert resident_of_centre_1.check_password(PASSWORD)
    assert mail.outbox == []


def test_staff_of_centre_2_cannot_change_email_of_resident_of_centre_1(other_staff, resident_of_centre_1):
    client = login(other_staff)
    response = client.post(f"/admin/centres/user/{resident_of_centre_1.pk}/change/",
                           {"email": "attacker@evil.example", "first_name": "X", "last_name": "Y", "language": "pl"})
    assert response.status_code in (302, 403, 404)
    resident_of_centre_1.refresh_from_db()
    assert resident_of_centre_1.email != "attacker@evil.example"


def test_tying_a_resident_of_another_centre_to_my_business_does_not_let_me_change_her(
        other_staff, other_centre, resident_of_centre_1):
    MembershipFactory(user=resident_of_centre_1, business=BusinessFactory(centre=other_centre), role="till")
    client = login(other_staff)
    response = client.post(f"/admin/centres/user/{resident_of_centre_1.pk}/change/",
                           {"email": "attacker@evil.example", "first_name": "X", "last_name": "Y", "language": "pl"})
    assert response.status_code in (302, 403)
    resident_of_centre_1.refresh_from_db()
    assert resident_of_centre_1.email != "attacker@evil.example"


def test_staff_changes_own_centre_resident_and_it_is_logged(staff, resident_of_centre_1):
    client = login(staff)
    assert resident_of_centre_1.email in client.get("/admin/centres/user/").content.decode()
    response = client.post(f"/admin/centres/user/{resident_of_centre_1.pk}/change/",
                           {"email": "new.address@example.org", "first_name": "Anna", "last_name": "Nowak",
                            "phone": "", "language": "pl"})
    assert response.status_code == 302, response.content.decode()[:2000]
    resident_of_centre_1.refresh_from_db()
    assert resident_of_centre_1.email == "new.address@example.org"
    kinds = set(SecurityEvent.objects.filter(user=resident_of_centre_1).values_list("kind", flat=True))
    assert {SecurityEvent.Kind.ADMIN_ACTION, SecurityEvent.Kind.EMAIL_CHANGED} <= kinds


def test_admin_password_form_sends_a_reset_link_instead(staff, resident_of_centre_1):
    client = login(staff)
    url = f"/admin/centres/user/{resident_of_centre_1.pk}/password/"
    assert "reset" in client.get(url).content.decode().lower() or client.get(url).status_code == 200
    response = client.post(url, {"password1": "Chosen-By-Staff-1", "password2": "Chosen-By-Staff-1"})
    assert response.status_code == 302
    resident_of_centre_1.refresh_from_db()
    assert resident_of_centre_1.check_password(PASSWORD)  # the staff's choice is never set
    assert [m.to for m in mail.outbox] == [[resident_of_centre_1.email]]
    assert "/konto/haslo/reset/" in mail.outbox[0].body


def test_staff_cannot_change_another_staff_account_or_a_superuser(staff, centre):
    colleague = StaffFactory(centres=[centre])
    boss = UserFactory(is_staff=True, is_superuser=True)
    client = login(staff)
    for target in (colleague, boss):
        response = client.post(f"/admin/centres/user/{target.pk}/change/",
                               {"email": "x@evil.example", "first_name": "X", "last_name": "Y", "language": "pl"})
        assert response.status_code in (302, 403, 404)
        target.refresh_from_db()
        assert target.email != "x@evil.example"
        assert client.post(f"/admin/centres/user/{target.pk}/password/").status_code in (403, 404)


def test_resident_with_no_tie_to_my_centre_is_invisible(staff):
    stranger = UserFactory()
    client = login(staff)
    assert stranger.email not in client.get("/admin/centres/user/").content.decode()
    assert client.get(f"/admin/centres/user/{stranger.pk}/change/").status_code in (302, 404)


def test_membership_autocomplete_finds_outsider_only_by_exact_email(staff, resident_of_centre_2):
    client = login(staff)
    base = "/admin/autocomplete/?app_label=centres&model_name=businessmembership&field_name=user&term="
    partial = client.get(base + resident_of_centre_2.email.split("@")[0]).json()
    assert partial["results"] == []
    exact = client.get(base + resident_of_centre_2.email).json()
    assert [r["id"] for r in exact["results"]] == [str(resident_of_centre_2.pk)]
