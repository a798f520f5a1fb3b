"""The card at the till is a proof, not a number: random numbers, short-lived signed tokens, number + code,
limits per person across re-issues, key rotation, enumeration watch, the offline upload and the public keys."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import time
import uuid

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from loyalty import services, tokens
from loyalty.models import Card, Check, SigningKey, SuspectedEnumeration
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.loyalty.factories import CardFactory, PerkFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/loyalty/verify/"
UPLOAD = "/api/v1/loyalty/offline-checks/"


@pytest.fixture(autouse=True)
def _fresh_keys():
    tokens.forget_keys()
    yield
    tokens.forget_keys()


def post(user, body):
    return client_for(user).post(URL, body, format="json")


def test_number_with_a_valid_check_digit_but_no_code_uses_no_perk_and_reveals_no_name(till, partner, card, perk):
    body = post(till, {"partner": partner.pk, "number": card.number, "perk": perk.pk}).json()
    assert (body["result"], body["valid"], body["method"]) == ("valid", True, "number")
    assert body["holder"] == "" and body["card_number"] == ""
    assert (body["accepted"], body["refusal"], body["outcome"]) == (False, "proof_needed", "amber")
    assert "Maria" not in json.dumps(body)
    assert not Check.objects.filter(accepted=True).exists()


def test_number_with_the_live_code_is_as_good_as_the_qr_code(till, partner, card, perk):
    minted = tokens.mint_for_card(card)
    body = post(till, {"partner": partner.pk, "number": card.formatted_number, "code": minted.code,
                       "perk": perk.pk}).json()
    assert (body["method"], body["holder"], body["accepted"], body["outcome"]) == (
        "number_code", "Maria T.", True, "green")
    wrong = f"{(int(minted.code) + 1) % 10**6:06d}"
    refused = post(till, {"partner": partner.pk, "number": card.number, "code": wrong, "perk": perk.pk}).json()
    assert (refused["result"], refused["holder"], refused["accepted"]) == ("code_invalid", "", False)


def test_tokens_refused_and_recorded_as_such(till, partner, centre, card, staff):
    other_key_card = CardFactory(centre=centre)
    live = tokens.mint_for_card(card).token
    old = tokens.mint_for_card(card, now=time.time() - tokens.window_seconds() - 10).token
    # one byte changed, in the payload and in the signature
    head, _, signature = live.rpartition(".")
    altered_payload = live[:12] + ("A" if live[12] != "A" else "B") + live[13:]
    altered_signature = f"{head}.{('A' if signature[0] != 'A' else 'B')}{signature[1:]}"
    # signed by another key that claims the centre's key id
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    kid = live.split(".")[1]
    forged_head = head
    forged = f"{forged_head}.{tokens._b64(Ed25519PrivateKey.generate().sign(forged_head.encode()))}"
    outcomes = {name: post(till, {"partner": partner.pk, "token": value}).json()
                for name, value in [("old", old), ("payload", altered_payload), ("signature", altered_signature),
                                    ("other key", forged)]}
    assert outcomes["old"]["result"] == "token_expired"
    assert {outcomes[n]["result"] for n in ("payload", "signature", "other key")} == {"token_invalid"}
    assert all(o["valid"] is False and o["holder"] == "" and o["outcome"] == "red" for o in outcomes.values())
    assert kid
    # revoked, and re-issued
    revoked_token = tokens.mint_for_card(other_key_card).token
    services.revoke_card(card=other_key_card, by=staff)
    assert post(till, {"partner": partner.pk, "token": revoked_token}).json()["result"] == "revoked"
    new = services.reissue_card(card=card, by=staff)
    assert post(till, {"partner": partner.pk, "token": live}).json()["result"] == "revoked"
    assert post(till, {"partner": partner.pk, "token": tokens.mint_for_card(new).token}).json()["result"] == "valid"
    results = list(Check.objects.order_by("pk").values_list("result", flat=True))
    assert results == ["token_expired", "token_invalid", "token_invalid", "token_invalid", "revoked", "revoked",
                       "valid"]


def test_daily_limit_holds_across_a_reissue(till, partner, card, staff):
    perk = PerkFactory(partner=partner, daily_limit_per_card=1)
    first = post(till, {"partner": partner.pk, "token": tokens.mint_for_card(card).token, "perk": perk.pk}).json()
    assert first["accepted"] is True
    new = services.reissue_card(card=card, by=staff)
    again = post(till, {"partner": partner.pk, "token": tokens.mint_for_card(new).token, "perk": perk.pk}).json()
    assert (again["valid"], again["accepted"], again["refusal"]) == (True, False, "limit_reached")


def test_monthly_limit_counts_the_person_over_the_month(till, partner, card):
    import time_machine

    perk = PerkFactory(partner=partner, monthly_limit=2)
    answers = []
    for day in (3, 10, 17):
        with time_machine.travel(dt.datetime(2026, 5, day, 10, 0, tzinfo=dt.UTC), tick=False):
            answers.append(post(till, {"partner": partner.pk, "token": tokens.mint_for_card(card).token,
                                       "perk": perk.pk}).json())
    assert [a["accepted"] for a in answers] == [True, True, False]
    assert answers[2]["refusal"] == "monthly_limit_reached"
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        assert post(till, {"partner": partner.pk, "token": tokens.mint_for_card(card).token,
                           "perk": perk.pk}).json()["accepted"] is True


def test_numbers_of_a_thousand_new_cards_are_random_and_spread(centre):
    numbers = [services.allocate_number(centre=centre) for _ in range(1000)]
    assert len(set(numbers)) == 1000 and all(tokens.number_is_well_formed(n) for n in numbers)
    bodies = [int(n[:-1]) for n in numbers]
    ascending = sum(1 for a, b in itertools.pairwise(bodies) if b > a)
    assert 350 < ascending < 650, "not monotonic: about half the steps go up"
    deciles = [0] * 10
    for b in bodies:
        deciles[b * 10 // 10**tokens.SERIAL_DIGITS] += 1
    assert min(deciles) > 60, f"spread over the number space: {deciles}"


def test_applications_get_random_numbers_never_reused(centre, staff):
    first = services.apply_for_card(user=UserFactory(), centre=centre, first_name="A", last_name="B",
                                    address="Szeroka 1", postal_code="87-100", city="Toruń", accept_terms=True)
    assert int(first.number[:-1]) > 1000, "not a small serial"


def test_key_rotation_keeps_live_tokens_valid_until_they_expire(till, partner, card, centre):
    before = tokens.mint_for_card(card)
    call_command("rotate_signing_key", centre.code, stdout=io.StringIO())
    tokens.forget_keys()
    after = tokens.mint_for_card(card)
    assert before.kid != after.kid
    assert SigningKey.objects.filter(centre=centre, retired_at__isnull=True).count() == 1
    for token in (before.token, after.token):
        assert post(till, {"partner": partner.pk, "token": token}).json()["result"] == "valid"
    keys = client_for(UserFactory()).get("/api/v1/loyalty/keys/").json()["keys"]
    assert {before.kid, after.kid} <= {k["kid"] for k in keys}
    later = time.time() + tokens.window_seconds() + 5
    with pytest.raises(tokens.TokenError) as exc:
        tokens.read(before.token, now=later)
    assert exc.value.reason == "token_expired"


@override_settings(LOYALTY_TOKEN_WINDOW_SECONDS=10)
def test_a_short_window_setting_shortens_tokens(card):
    minted = tokens.mint_for_card(card)
    assert minted.expires_at - minted.issued_at == 10
    assert tokens.read(minted.token)["c"] == card.pk


def test_keys_are_public_and_hold_no_private_half(card, api):
    tokens.mint_for_card(card)
    response = api.get("/api/v1/loyalty/keys/")
    assert response.status_code == 200
    key = response.json()["keys"][0]
    assert key["algorithm"] == "Ed25519" and len(tokens._unb64(key["public_key"])) == 32
    stored = SigningKey.objects.get()
    assert stored.private_key_encrypted not in response.content.decode()
    assert stored.private_key_encrypted.startswith("gAAAA"), "Fernet-encrypted at rest"


def test_revocation_list_is_a_delta_for_till_staff(till, partner, card, staff, resident):
    url = f"/api/v1/loyalty/revocations/?partner={partner.pk}"
    first = client_for(till).get(url).json()
    services.revoke_card(card=card, by=staff)
    delta = client_for(till).get(f"{url}&since={first['cursor']}").json()
    assert delta["changes"] == [{"card": card.pk, "status": "revoked"}]
    assert client_for(resident).get(url).status_code == 403


def test_run_of_unknown_typed_numbers_is_recorded_as_suspected_enumeration(till, partner, settings):
    settings.LOYALTY_TYPED_LOOKUPS = {"user": (100, 300), "partner": (100, 300)}
    for n in range(12):
        post(till, {"partner": partner.pk, "number": tokens.number_for(700_000_000 + n)})
    run = SuspectedEnumeration.objects.get()
    assert (run.partner, run.user, run.unknown_numbers) == (partner, till, 12)


def test_typed_numbers_are_throttled_per_till_account(till, partner, card, settings):
    settings.LOYALTY_TYPED_LOOKUPS = {"user": (3, 300), "partner": (100, 300)}
    codes = [post(till, {"partner": partner.pk, "number": card.number}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert post(till, {"partner": partner.pk, "token": tokens.mint_for_card(card).token}).status_code == 200


def test_offline_upload_is_idempotent_and_flags_a_limit_exceeded(till, partner, card):
    perk = PerkFactory(partner=partner, daily_limit_per_card=1)
    now = timezone.now()
    items = [{"client_id": str(uuid.uuid4()), "token": tokens.mint_for_card(card).token,
              "checked_at": now.isoformat(), "perk": perk.pk, "accepted": True} for _ in range(2)]
    body = {"partner": partner.pk, "checks": items}
    first = client_for(till).post(UPLOAD, body, format="json").json()["results"]
    again = client_for(till).post(UPLOAD, body, format="json").json()["results"]
    assert [r["duplicate"] for r in first] == [False, False] and [r["duplicate"] for r in again] == [True, True]
    assert Check.objects.count() == 2
    assert [r["flagged"] for r in first] == [False, True], "the second use went over the daily limit"
    assert all(c.accepted and c.offline_client_id for c in Check.objects.all())


def test_offline_upload_judges_the_token_at_the_tills_clock(till, partner, card):
    checked = timezone.now() - dt.timedelta(hours=2)
    token = tokens.mint_for_card(card, now=checked.timestamp()).token
    body = {"partner": partner.pk, "checks": [{"client_id": str(uuid.uuid4()), "token": token,
                                                "checked_at": checked.isoformat()}]}
    assert client_for(till).post(UPLOAD, body, format="json").json()["results"][0]["result"] == "valid"
    future = {"partner": partner.pk, "checks": [{"client_id": str(uuid.uuid4()), "token": token,
                                                  "checked_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}]}
    response = client_for(till).post(UPLOAD, future, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "check_time_invalid"


def test_card_valid_today_has_one_definition(card):
    day = timezone.localdate()
    assert card.is_valid_on(day) == Card.objects.filter(pk=card.pk).valid_on(day).exists() is True
