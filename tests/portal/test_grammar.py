"""Polish grammar where the issue found it wrong: plural forms follow the number, a card's status agrees with
"karta", a percentage discount says "rabat 10%", the API answers in the client's language, the log-in page is
formal like the rest of the portal."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext, pgettext

from centres.models import User
from loyalty.models import Card, Perk


@pytest.mark.parametrize(("n", "expected"), [
    (1, "1 wniosek czeka na rozpatrzenie"), (3, "3 wnioski czekają na rozpatrzenie"),
    (5, "5 wniosków czeka na rozpatrzenie"), (12, "12 wniosków czeka na rozpatrzenie"),
    (22, "22 wnioski czekają na rozpatrzenie"), (0, "0 wniosków czeka na rozpatrzenie")])
def test_waiting_applications_take_the_plural_form_of_their_number(n, expected):
    with translation.override("pl"):
        label = ngettext("application waits for review", "applications wait for review", n)
    assert f"{n} {label}" == expected


@pytest.mark.django_db
def test_dashboard_headline_says_three_applications_wait(monkeypatch):
    from gardens import office

    class Waiting:
        def aggregate(self, **kwargs):
            return {"n": 3, "oldest": None}

    monkeypatch.setattr(office, "_waiting", lambda centre: Waiting())
    with translation.override("pl"):
        (label, value), _days = office.headline(None)
    assert f"{value} {label}" == "3 wnioski czekają na rozpatrzenie"


def test_card_status_agrees_with_karta():
    with translation.override("pl"):
        assert pgettext("card status", "active") == "aktywna"
        assert str(Card(status=Card.Status.ACTIVE).get_status_display()) == "aktywna"


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_percentage_perk_reads_rabat_with_a_percent_sign(demo):
    perk = (Perk.objects.filter(kind="percent", value__isnull=False,
                                partner__business__memberships__role__in=["owner", "manager"])
            .select_related("partner__business").first())
    member = perk.partner.business.memberships.filter(role__in=["owner", "manager"]).first()
    client = Client()
    client.force_login(member.user)
    body = client.get(f"/moja-starowka/partner/oferty/?partner={perk.partner_id}",
                      HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    value = f"{perk.value.normalize():f}".replace(".", ",")
    assert f"rabat {value}%" in body
    assert "rabat procentowy" not in body


@pytest.mark.parametrize(("lang", "message"), [("pl", "Nieprawidłowy e-mail lub hasło."),
                                               ("en", "Wrong e-mail or password.")])
def test_token_endpoint_answers_in_the_clients_language(db, lang, message):
    User.objects.create_user(email="kasa@example.org", password="dobre-Haslo-123")
    response = Client().post("/api/v1/auth/token/", {"email": "kasa@example.org", "password": "złe"},
                             content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 400
    assert [e["detail"] for e in response.json()["errors"]] == [message]


def test_log_in_page_is_formal(db):
    body = Client().get("/konto/zaloguj/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Nie pamiętają Państwo hasła?" in body
    assert "pamiętasz" not in body

