"""The till's request body for a card: the QR token (70 %) or the typed number with the 6-digit code (30 %)."""

from __future__ import annotations

from loyalty import tokens


def verify_body(*, card, partner_id: int, perk_id: int | None, qr: bool) -> dict:
    minted = tokens.mint_for_card(card)
    body: dict = {"partner": partner_id, "perk": perk_id}
    if qr:
        body["token"] = minted.token
    else:
        body.update(number=card.number, code=minted.code)
    return body
