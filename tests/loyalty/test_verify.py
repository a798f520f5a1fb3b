"""Verification at the till: the answer, what is recorded, the per-day limit, who may verify, speed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.throttling import SimpleRateThrottle

from loyalty import services, tokens
from loyalty.models import Card, Check, Perk
from tests.conftest import client_for
from tests.factories import MembershipFactory, UserFactory
from tests.loyalty.factories import CardFactory, CheckFactory, PartnerFactory, PerkFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/loyalty/verify/"


def verify(user, partner, value, perk=None, code=None):
    """A QR token (MS1.…) goes as `token`; anything else as a typed `number` (with `code` when given)."""
    body = {"partner": partner.pk}
    if tokens.looks_like_token(value):
        body["token"] = value
    else:
        body["number"] = value
        if code is not None:
            body["code"] = code
    if perk is not None:
        body["perk"] = perk.pk
    return client_for(user).post(URL, body)


def token_of(card) -> str:
    return tokens.mint_for_card(card).token


def proof(card) -> tuple[str, str]:
    """The number and the live code: as good as the QR code."""
    return card.number, tokens.mint_for_card(card).code


def test_scanned_token_of_active_card_is_valid_with_first_name_and_initial(till, partner, card, perk):
    response = verify(till, partner, token_of(card))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["valid"] is True and body["result"] == "valid"
    assert body["holder"] == "Maria T."
    assert body["valid_until"] == card.valid_until.isoformat()
    assert [p["id"] for p in body["perks_today"]] == [perk.pk]
    assert body["accepted"] is None
    assert "Toruńska" not in response.content.decode()
    check = Check.objects.get()
    assert (check.card, check.partner, check.perk, check.result, check.checked_by) == (card, partner, None,
                                                                                       "valid", till)


def test_typed_number_with_spaces_works(till, partner, card):
    body = verify(till, partner, card.formatted_number).json()
    assert body["result"] == "valid" and body["method"] == "number"


def test_number_failing_its_check_digit_is_400_and_not_recorded(till, partner, card):
    wrong = card.number[:-1] + str((int(card.number[-1]) + 1) % 10)
    response = verify(till, partner, wrong)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("number", "number_mistyped")
    assert "check" in error["detail"].lower() or "cyfr" in error["detail"].lower()
    assert not Check.objects.exists()


def test_unknown_but_well_formed_number_is_recorded_as_unknown(till, partner):
    response = verify(till, partner, tokens.number_for(999_999_998))
    assert response.json()["result"] == "unknown" and response.json()["valid"] is False
    assert Check.objects.get().card is None


def test_forged_token_and_another_centres_card_are_unknown(till, partner, other_centre):
    foreign = CardFactory(centre=other_centre)
    assert verify(till, partner, token_of(foreign)).json()["result"] == "unknown"
    assert verify(till, partner, foreign.number).json()["result"] == "unknown"
    assert Check.objects.filter(result="unknown").count() == 2


@pytest.mark.parametrize("status", ["pending", "suspended", "expired", "revoked"])
def test_card_that_is_not_active_says_why(till, partner, centre, status):
    card = CardFactory(centre=centre, status=status)
    body = verify(till, partner, card.number).json()
    assert (body["result"], body["valid"]) == (status, False)
    assert body["reason"]
    assert body["perks_today"] == []


@time_machine.travel(dt.datetime(2026, 5, 4, 10, 0), tick=False)
def test_active_card_past_its_end_is_expired_before_the_daily_job_runs(till, partner, centre):
    card = CardFactory(centre=centre, valid_until=dt.date(2026, 5, 3))
    assert verify(till, partner, card.number).json()["result"] == "expired"


def test_reissued_card_invalidates_the_old_token(till, partner, card, staff):
    old_token = token_of(card)
    new = services.reissue_card(card=card, by=staff)
    refused = verify(till, partner, old_token).json()
    assert (refused["result"], refused["valid"], refused["holder"]) == ("revoked", False, "")
    assert verify(till, partner, token_of(new)).json()["result"] == "valid"


@time_machine.travel(dt.datetime(2026, 5, 4, 10, 0), tick=False)
def test_daily_limit_per_card_is_respected_and_resets_next_day(till, partner, card):
    perk = PerkFactory(partner=partner, daily_limit_per_card=1)
    first = verify(till, partner, token_of(card), perk).json()
    second = verify(till, partner, token_of(card), perk).json()
    assert (first["accepted"], second["accepted"]) == (True, False)
    assert second["refusal"] == "limit_reached" and second["refusal_text"] and second["outcome"] == "amber"
    other_card = CardFactory(centre=card.centre)
    assert verify(till, partner, token_of(other_card), perk).json()["accepted"] is True
    with time_machine.travel(dt.datetime(2026, 5, 5, 10, 0), tick=False):
        assert verify(till, partner, token_of(card), perk).json()["accepted"] is True
    assert Check.objects.filter(accepted=True).count() == 3
    assert Check.objects.count() == 4


@time_machine.travel(dt.datetime(2026, 5, 4, 10, 0), tick=False)  # a Monday
def test_perk_on_other_days_of_the_week_is_refused_today(till, partner, card):
    weekend = PerkFactory(partner=partner, weekdays=0b1100000)
    body = verify(till, partner, token_of(card), weekend).json()
    assert (body["accepted"], body["refusal"]) == (False, "not_today")
    assert weekend.pk not in [p["id"] for p in body["perks_today"]]


def test_perk_on_invalid_card_is_not_accepted(till, partner, centre, perk):
    card = CardFactory(centre=centre, status=Card.Status.SUSPENDED)
    body = verify(till, partner, card.number, perk).json()
    assert (body["accepted"], body["refusal"]) == (False, "card_not_valid")


def test_expired_or_inactive_perk_is_not_offered_but_naming_it_is_recorded_as_refused(till, partner, card):
    old = PerkFactory(partner=partner, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2020, 12, 31))
    body = verify(till, partner, token_of(card), old).json()
    assert body["perks_today"] == [] and body["accepted"] is False


def test_perk_of_another_partner_is_400(till, partner, card, centre):
    elsewhere = PerkFactory(partner=PartnerFactory(centre=centre))
    response = verify(till, partner, card.number, elsewhere)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "perk"
    assert not Check.objects.exists()


def test_partner_user_of_a_cannot_verify_for_b(owner, partner, centre, card):
    business_b_partner = PartnerFactory(centre=centre)
    response = verify(owner, business_b_partner, card.number)
    assert response.status_code == 403
    assert not Check.objects.exists()


def test_resident_and_anonymous_cannot_verify(partner, card, api):
    assert verify(card.holder, partner, card.number).status_code == 403
    assert api.post(URL, {"number": card.number, "partner": partner.pk}).status_code == 401
    assert not Check.objects.exists()


def test_unknown_partner_is_404_and_missing_partner_is_400(till, card):
    assert client_for(till).post(URL, {"number": card.number, "partner": 999999}).status_code == 404
    response = client_for(till).post(URL, {"number": card.number})
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "partner"


def test_verify_by_business_id(till, partner, card):
    response = client_for(till).post(URL, {"token": token_of(card), "business": partner.business_id})
    assert response.json()["result"] == "valid"


def test_repeated_guessing_is_throttled(till, partner, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {**SimpleRateThrottle.THROTTLE_RATES, "verify": "3/min"})
    client = client_for(till)
    codes = [client.post(URL, {"number": tokens.number_for(n), "partner": partner.pk}).status_code
             for n in range(100, 104)]
    assert codes == [200, 200, 200, 429]


def test_verification_does_a_bounded_number_of_queries(till, partner, card, django_assert_max_num_queries):
    perks = PerkFactory.create_batch(30, partner=partner, daily_limit_per_card=2)
    CheckFactory.create_batch(40, partner=partner, card=card, perk=perks[0], result="valid")
    for _ in range(20):
        CardFactory(centre=card.centre)
    token = token_of(card)  # the key is made and cached by the first token
    with django_assert_max_num_queries(8):
        outcome = services.verify_card(user=till, partner=partner, token=token, perk_id=perks[1].pk)
    assert outcome.accepted is True
    assert len(outcome.perks_today) == 30
    # the whole request: authentication, the partner and the membership on top of the service
    client = client_for(till)
    with django_assert_max_num_queries(12):
        response = client.post(URL, {"token": token, "partner": partner.pk, "perk": perks[2].pk})
    assert response.status_code == 200


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks (select_for_update) need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_daily_limit_holds_under_two_concurrent_uses(centre, zone):
    partner = PartnerFactory(centre=centre)
    till = MembershipFactory(business=partner.business, role="till").user
    perk = PerkFactory(partner=partner, daily_limit_per_card=1)
    card = CardFactory(centre=centre, holder=UserFactory())
    token = token_of(card)
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []

    def use() -> None:
        try:
            barrier.wait()
            outcomes.append(services.verify_card(user=till, partner=partner, token=token,
                                                 perk_id=perk.pk).accepted)
        finally:
            connection.close()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, True]
    assert Check.objects.filter(perk=perk, accepted=True).count() == 1
    assert Perk.objects.get(pk=perk.pk).daily_limit_per_card == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the counting INSERT's lock is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_use_waits_for_a_use_in_flight_on_another_card_of_the_same_holder_and_counts_it(centre, zone):
    """A concurrent use holds the holder's lock with its row not yet committed: the second check waits for it,
    then counts it (a snapshot taken after the lock), so the last use of the day goes once, across two cards."""
    from django.db import connections

    partner = PartnerFactory(centre=centre)
    till = MembershipFactory(business=partner.business, role="till").user
    perk = PerkFactory(partner=partner, daily_limit_per_card=1)
    holder = UserFactory()
    # An earlier card (reissued: its uses still count) and the live one.
    first = CardFactory(centre=centre, holder=holder, status="revoked")
    second = CardFactory(centre=centre, holder=holder)
    token = token_of(second)
    other = connections.create_connection("default")  # the use in flight, on a connection of its own
    outcome: list[bool] = []
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(1280266329, hashint8(%s))", [holder.pk])
        with other.cursor() as cursor:
            cursor.execute("INSERT INTO loyalty_check (card_id, partner_id, perk_id, result, method, accepted, "
                           "refusal, checked_by_id, day, created_at, flagged) VALUES "
                           "(%s, %s, %s, 'valid', 'qr', true, '', %s, %s, now(), false)",
                           [first.pk, partner.pk, perk.pk, till.pk, dt.date.today()])

        def use() -> None:
            try:
                outcome.append(services.verify_card(user=till, partner=partner, token=token,
                                                    perk_id=perk.pk).accepted)
            finally:
                connection.close()

        thread = threading.Thread(target=use)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second use did not wait for the holder's lock"
        other.commit()
        thread.join(10)
    finally:
        other.close()
    assert outcome == [False]
    assert Check.objects.filter(perk=perk, accepted=True).count() == 1
    assert Check.objects.get(card=second).refusal == "limit_reached"
