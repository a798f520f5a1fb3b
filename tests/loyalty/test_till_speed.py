"""The till's hot path: who is at the till comes with the cached token (and is forgotten at once when a token,
a membership, a partner or a perk changes), a check costs two statements (on PostgreSQL also with a limited perk: the
INSERT counts), and the plain-dict answer is exactly VerificationSerializer's."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from centres.models import BusinessMembership
from loyalty import services, tokens
from loyalty.models import Card, Check
from loyalty.serializers import VerificationSerializer, verification_data
from tests.conftest import end_database_session
from tests.factories import MembershipFactory
from tests.loyalty.factories import CardFactory, PartnerFactory, PerkFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/loyalty/verify/"


@pytest.fixture
def till_api(till):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=till).key}")
    return api


def _post(api, partner, card, perk=None, qr=True):
    minted = tokens.mint_for_card(card)
    body = {"partner": partner.pk, **({"token": minted.token} if qr else {"number": card.number,
                                                                           "code": minted.code})}
    if perk is not None:
        body["perk"] = perk.pk
    return api.post(URL, body)


def _statements(api, partner, card, perk=None, qr=True) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = _post(api, partner, card, perk, qr)
    assert response.status_code == 200, response.json()
    return [q["sql"].split()[0].upper() for q in queries.captured_queries]


def test_a_check_by_a_till_token_reads_the_card_and_inserts_the_check_only(till_api, partner, card, perk):
    _post(till_api, partner, card)  # the first request of the token builds its identity
    # A genuine QR token on PostgreSQL: the card read, the result decided and the check inserted in one statement.
    one_statement = ["WITH"] if connection.vendor == "postgresql" else ["SELECT", "INSERT"]
    assert _statements(till_api, partner, card) == one_statement
    assert _statements(till_api, partner, card, perk) == one_statement  # a perk with no limit
    assert _statements(till_api, partner, card, perk, qr=False) == ["SELECT", "INSERT"]  # number + code


def test_a_check_by_a_known_till_token_is_one_redis_round_trip(till_api, partner, card, redis_commands):
    """The identity is read and every throttle scope counted in one script (core.throttling.read_and_count)."""
    commands = redis_commands
    _post(till_api, partner, card)  # the first request of the token builds its identity
    _post(till_api, partner, card)
    commands.clear()
    assert _post(till_api, partner, card).status_code == 200
    assert commands == ["EVALSHA"]


def test_a_limited_perk_is_decided_in_the_insert(till_api, partner, card):
    perk = PerkFactory(partner=partner, daily_limit_per_card=2, monthly_limit=3)
    _post(till_api, partner, card)
    if connection.vendor == "postgresql":  # the INSERT locks the holder and counts (loyalty_perk_use_refusal)
        assert _statements(till_api, partner, card, perk) == ["WITH"]
    else:  # the card locked in a transaction (a savepoint here: the test runs inside one), then the INSERT
        assert _statements(till_api, partner, card, perk) == ["SAVEPOINT", "SELECT", "INSERT", "RELEASE"]
    answers = [_post(till_api, partner, card, perk).json() for _ in range(2)]
    assert [(a["accepted"], a["refusal"], a["outcome"]) for a in answers] == [
        (True, "", "green"), (False, "limit_reached", "amber")]
    assert Check.objects.filter(perk=perk, accepted=True).count() == 2
    refused = Check.objects.filter(perk=perk, accepted=False).get()
    assert refused.refusal == "limit_reached" and refused.result == "valid"


def test_the_monthly_limit_counts_the_holders_uses_of_the_month_in_the_insert(till_api, partner, card):
    perk = PerkFactory(partner=partner, daily_limit_per_card=1, monthly_limit=2)
    first = dt.date.today().replace(day=1)
    answers = []
    for offset in range(3):
        with time_machine.travel(dt.datetime.combine(first + dt.timedelta(days=offset), dt.time(12))):
            answers.append(_post(till_api, partner, card, perk).json()["refusal"])
    assert answers == ["", "", "monthly_limit_reached"]


def test_a_removed_membership_is_refused_on_the_next_request(till_api, till, partner, card):
    assert _post(till_api, partner, card).status_code == 200
    BusinessMembership.objects.filter(user=till).delete()
    assert _post(till_api, partner, card).status_code == 403


def test_a_deleted_token_is_refused_on_the_next_request(till_api, till, partner, card):
    assert _post(till_api, partner, card).status_code == 200
    Token.objects.filter(user=till).delete()
    assert _post(till_api, partner, card).status_code == 401


def test_a_partner_whose_agreement_ended_is_seen_on_the_next_request(till_api, partner, card):
    assert _post(till_api, partner, card).json()["valid"] is True
    partner.is_active = False
    partner.save()
    answer = _post(till_api, partner, card).json()
    assert answer["valid"] is False and answer["outcome"] == "red"


def test_a_new_perk_is_usable_on_the_next_request(till_api, partner, card):
    assert _post(till_api, partner, card).json()["perks_today"] == []
    perk = PerkFactory(partner=partner, daily_limit_per_card=1)
    answer = _post(till_api, partner, card, perk).json()
    assert answer["accepted"] is True and [p["id"] for p in answer["perks_today"]] == [perk.pk]


def test_another_partners_till_is_still_refused_and_an_unknown_partner_is_404(till_api, other_partner, card):
    assert _post(till_api, other_partner, card).status_code == 403
    assert till_api.post(URL, {"partner": 999999, "number": card.number}).status_code == 404


def test_the_answer_is_exactly_the_verification_serializers(till, partner, card, centre):
    percent = PerkFactory(partner=partner, kind="percent", value=Decimal("15"), daily_limit_per_card=1)
    amount = PerkFactory(partner=partner, kind="amount", value=Decimal("5.5"))
    PerkFactory(partner=partner, kind="free_item", value=None, monthly_limit=4)
    revoked = CardFactory(centre=centre, status="revoked")
    token = tokens.mint_for_card(card).token
    outcomes = [
        services.verify_card(user=till, partner=partner, token=token),
        services.verify_card(user=till, partner=partner, token=token, perk_id=percent.pk),
        services.verify_card(user=till, partner=partner, token=token, perk_id=percent.pk),  # limit reached
        services.verify_card(user=till, partner=partner, number=card.number, perk_id=amount.pk),  # no proof
        services.verify_card(user=till, partner=partner, token=tokens.mint_for_card(revoked).token,
                             perk_id=amount.pk),
        services.verify_card(user=till, partner=partner, number=tokens.number_for(424242)),  # unknown
    ]
    for outcome in outcomes:
        expected = json.loads(json.dumps(VerificationSerializer(outcome).data))
        assert verification_data(outcome) == expected
        assert json.loads(json.dumps(verification_data(outcome))) == expected



def test_a_perks_brief_in_the_answer_follows_the_language_and_a_change_made_in_place(till, partner, card):
    from django.utils import translation

    from loyalty.serializers import PerkBriefSerializer, _perk_brief

    perk = PerkFactory(partner=partner, kind="percent", value=Decimal("15"), title_pl="Kawa", title_en="Coffee")
    with translation.override("pl"):
        assert _perk_brief(perk)["title"] == "Kawa"
        assert _perk_brief(perk)["title"] == "Kawa"  # kept
    with translation.override("en"):
        assert _perk_brief(perk)["title"] == "Coffee"
    perk.title_en, perk.value, perk.daily_limit_per_card = "Tea", Decimal("20"), 2
    with translation.override("en"):
        assert _perk_brief(perk) == json.loads(json.dumps(PerkBriefSerializer(perk).data))
        assert _perk_brief(perk)["title"] == "Tea" and _perk_brief(perk)["value"] == "20.00"
        _perk_brief(perk)["title"] = "changed by a caller"
        assert _perk_brief(perk)["title"] == "Tea", "each caller gets its own copy"


CARD_CASES = [  # (status, valid_from, valid_until) relative to today, as the database allows them
    ("active", -30, 30), ("active", 0, 0), ("active", -30, -1), ("active", 1, 30),
    ("pending", None, None), ("pending", 1, 30), ("suspended", -30, 30), ("expired", -60, -1),
    ("revoked", -30, 30), ("revoked", None, None),
]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the one-statement check is PostgreSQL's")
def test_the_one_statement_check_answers_and_records_what_the_step_by_step_check_does(partner, till, monkeypatch):
    """The SQL twin of the card's result (status, validity, the token's number) and of the perk's refusal,
    compared with the Python rules (`_status_result`, `Card.is_valid_on`) over every kind of card, perk and
    partner the till meets."""
    today = dt.date.today()

    def day(offset):
        return None if offset is None else today + dt.timedelta(days=offset)

    unlimited = PerkFactory(partner=partner)
    limited = PerkFactory(partner=partner, daily_limit_per_card=5, monthly_limit=9)
    not_today = PerkFactory(partner=partner, weekdays=127 & ~(1 << today.weekday()))
    ended = PerkFactory(partner=partner, valid_until=today - dt.timedelta(days=1))
    cases = 0
    for status, start, end in CARD_CASES:
        for number_matches in (True, False):
            for perk in (None, unlimited, limited, not_today, ended):
                for current in (True, False):
                    partner.is_active = current
                    answers = []
                    for one_statement in (False, True):
                        card = CardFactory(centre=partner.centre, status=status, valid_from=day(start),
                                           valid_until=day(end))
                        token = tokens.mint_for_card(card).token
                        if not number_matches:
                            Card.objects.filter(pk=card.pk).update(number=tokens.number_for(990000 + cases))
                        monkeypatch.setattr(services, "_counts_in_the_insert", lambda on=one_statement: on)
                        with CaptureQueriesContext(connection) as queries:
                            outcome = services.verify_card(user=till, partner=partner, token=token,
                                                           perk_id=perk.pk if perk else None,
                                                           perks=[unlimited, limited, not_today, ended])
                        if one_statement:  # (a statement psycopg runs prepared is logged without its text)
                            assert len(queries.captured_queries) == 1
                        stored = Check.objects.get(pk=outcome.check.pk)
                        answers.append((
                            outcome.result, outcome.valid, outcome.accepted, outcome.refusal, outcome.outcome,
                            outcome.holder != "", outcome.card_number != "", outcome.valid_until,
                            [p.pk for p in outcome.perks_today], outcome.reason,
                            stored.result, stored.accepted, stored.refusal, stored.card_id == card.pk,
                            stored.method, stored.perk_id, stored.checked_by_id, stored.day))
                        cases += 1
                    assert answers[0] == answers[1], (status, start, end, number_matches, perk, current)
    assert cases == len(CARD_CASES) * 2 * 5 * 2 * 2


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the one-statement check is PostgreSQL's")
def test_a_token_of_an_unknown_card_is_recorded_in_one_statement_as_unknown(partner, till, card):
    token = tokens.mint_for_card(card).token
    Check.objects.filter(card=card).delete()
    Card.objects.filter(pk=card.pk).delete()
    outcome = services.verify_card(user=till, partner=partner, token=token)
    assert outcome.result == "unknown" and outcome.valid is False and outcome.holder == ""
    assert Check.objects.get(pk=outcome.check.pk).card_id is None


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a server that ends the session")
@pytest.mark.django_db(transaction=True)
def test_the_one_statement_check_after_the_server_ended_the_session_is_sent_again_once(partner, till, card):
    token = tokens.mint_for_card(card).token
    assert services.verify_card(user=till, partner=partner, token=token).valid
    ended = end_database_session()
    outcome = services.verify_card(user=till, partner=partner, token=token)
    assert outcome.valid and connection.connection.info.backend_pid != ended
    assert Check.objects.filter(card=card).count() == 2  # recorded once each


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the one-statement check is PostgreSQL's")
def test_the_one_statement_check_reads_only_the_card_columns_the_till_needs(partner, till, card):
    """The card's address, e-mail and secret stay in the database: the statement answers the columns that decide
    the result and what the till is shown, and answering asks for nothing more."""
    token = tokens.mint_for_card(card).token
    services.verify_card(user=till, partner=partner, token=token)  # the partner's perks are cached after this
    with CaptureQueriesContext(connection) as queries:
        outcome = services.verify_card(user=till, partner=partner, token=token)
        assert outcome.holder == card.holder_display and outcome.card_number == card.formatted_number
    assert len(queries.captured_queries) == 1
    assert {"secret", "address", "email", "postal_code", "city"} <= outcome.check.card.get_deferred_fields()
    assert outcome.check.card.number == card.number


# --- Typed look-ups: their limits counted in the identity's round trip -------------------------------------

def _typed(api, partner, card, **extra):
    return api.post(URL, {"partner": partner.pk, "number": card.number, **extra})


def test_a_typed_check_by_a_known_till_token_is_one_redis_round_trip(till_api, partner, card, redis_commands):
    """The typed-number limits per till account and per partner are counted in the script that reads the identity
    (they were a pipeline of their own: two round trips)."""
    commands = redis_commands
    _typed(till_api, partner, card)  # the first request of the token builds its identity and its guard
    commands.clear()
    assert _typed(till_api, partner, card).status_code == 200
    assert commands == ["EVALSHA"]


def test_typed_limits_counted_with_the_identity_count_each_request_once(till_api, partner, card, settings,
                                                                        redis_commands):
    settings.LOYALTY_TYPED_LOOKUPS = {"user": (3, 300), "partner": (100, 300)}
    codes = [_typed(till_api, partner, card).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = _typed(till_api, partner, card)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 300
    assert _post(till_api, partner, card).status_code == 200  # a QR token is a proof: never counted


def test_the_partner_limit_is_shared_by_the_partners_tills_and_its_till_page(till_api, partner, card, settings,
                                                                             redis_commands):
    settings.LOYALTY_TYPED_LOOKUPS = {"user": (100, 300), "partner": (3, 300)}
    colleague = APIClient()
    colleague.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(
        user=MembershipFactory(business=partner.business, role="till").user).key)
    codes = [_typed(api, partner, card).status_code for api in (till_api, colleague, till_api, colleague)]
    assert codes == [200, 200, 200, 429]


def test_a_till_naming_another_partner_spends_none_of_its_allowance(till_api, partner, card, settings,
                                                                    redis_commands):
    """The guard: a till account's identity counts a partner's typed limit only for the partners it acts for."""
    settings.LOYALTY_TYPED_LOOKUPS = {"user": (100, 300), "partner": (2, 300)}
    victim = PartnerFactory(centre=partner.centre)
    victims_till = APIClient()
    victims_till.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(
        user=MembershipFactory(business=victim.business, role="till").user).key)
    for _ in range(5):
        assert _typed(till_api, victim, card).status_code == 403
    assert [_typed(victims_till, victim, card).status_code for _ in range(3)] == [200, 200, 429]


def test_a_removed_membership_stops_the_counting_at_once(till_api, till, partner, card, settings, redis_commands):
    settings.LOYALTY_TYPED_LOOKUPS = {"user": (100, 300), "partner": (2, 300)}
    assert _typed(till_api, partner, card).status_code == 200  # counted: 1 of 2
    BusinessMembership.objects.filter(user=till).delete()
    for _ in range(3):
        assert _typed(till_api, partner, card).status_code == 403  # the guard is of an old version: not counted
    owner = APIClient()
    owner.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.create(
        user=MembershipFactory(business=partner.business, role="owner").user).key)
    assert [_typed(owner, partner, card).status_code for _ in range(2)] == [200, 429]


def test_a_typed_request_refused_by_the_apis_throttle_or_its_body_counts_no_typed_limit(
        till_api, partner, card, settings, redis_commands):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    settings.LOYALTY_TYPED_LOOKUPS = {"user": (3, 300), "partner": (100, 300)}
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "verify": "2/min"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
        assert [_typed(till_api, partner, card).status_code for _ in range(4)] == [200, 200, 429, 429]  # 2 of 3
    for body in ({"perk": "many"}, {"code": "1" * 20}, {"business": -1}):
        assert _typed(till_api, partner, card, **body).status_code == 400
    assert [_typed(till_api, partner, card).status_code for _ in range(2)] == [200, 429]  # 3 of 3, then over


def test_a_malformed_body_with_an_unknown_token_is_still_refused_as_unauthenticated(partner):
    """The body is read before the authentication answers (for the typed limits), yet an unknown token is a 401
    whatever the body, and a malformed body of a known till is DRF's own 400."""
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    answer = stranger.generic("POST", URL, '{"partner": 1, "number": ', content_type="application/json")
    assert answer.status_code == 401


def test_a_malformed_body_of_a_known_till_gets_the_parsers_own_error(till_api, partner, card):
    _post(till_api, partner, card)
    for raw in ('{"partner": 1, "number": ', '{"partner": 1, "number": "12\\u0000"}', "[1, 2]"):
        answer = till_api.generic("POST", URL, raw, content_type="application/json")
        assert answer.status_code == 400, raw
    assert answer.json()["type"] == "validation_error"


def test_an_identity_made_by_another_view_counts_typed_limits_in_the_view(till_api, partner, card, settings,
                                                                          redis_commands):
    """An identity cached by a view that keeps no guard (the revocation list) has none: the typed limits are then
    counted by the verification view itself, as before, and still hold."""
    settings.LOYALTY_TYPED_LOOKUPS = {"user": (2, 300), "partner": (100, 300)}
    assert till_api.get(f"/api/v1/loyalty/revocations/?partner={partner.pk}").status_code == 200
    redis_commands.clear()
    assert _typed(till_api, partner, card).status_code == 200
    assert redis_commands == ["EVALSHA", "PIPELINE"]
    assert [_typed(till_api, partner, card).status_code for _ in range(2)] == [200, 429]


def test_a_typed_body_is_validated_once(till_api, partner, card, monkeypatch, redis_commands):
    """The body validated for the typed limits (identity_limits) is the one the view answers from."""
    from loyalty.serializers import VerifyRequestSerializer

    _typed(till_api, partner, card)  # the first request of the token builds its identity and its guard
    calls = []
    validate = VerifyRequestSerializer.to_internal_value

    def counted(self, data):
        calls.append(data)
        return validate(self, data)

    monkeypatch.setattr(VerifyRequestSerializer, "to_internal_value", counted)
    assert _typed(till_api, partner, card).status_code == 200
    assert _typed(till_api, partner, card, perk="many").json()["errors"][0]["attr"] == "perk"
    assert len(calls) == 2
