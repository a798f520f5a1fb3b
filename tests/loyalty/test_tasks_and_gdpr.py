"""Daily job (expiry, reminders) idempotent; personal data export and erasure keep anonymous figures."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from core.gdpr import erase_personal_data, export_personal_data
from loyalty import tasks
from loyalty.models import Card, Check
from tests.loyalty.factories import CardFactory, CheckFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(dt.datetime(2026, 6, 1, 3, 0), tick=False)
def test_daily_marks_expired_cards_and_reminds_once(centre):
    ended = CardFactory(centre=centre, valid_until=dt.date(2026, 5, 31))
    soon = CardFactory(centre=centre, valid_until=dt.date(2026, 6, 30))
    later = CardFactory(centre=centre, valid_until=dt.date(2026, 9, 30))
    result = tasks.daily()
    assert result == {"expired": 1, "reminded": 1}
    assert Card.objects.get(pk=ended.pk).status == Card.Status.EXPIRED
    assert [m.to for m in mail.outbox] == [[soon.email]]
    assert tasks.daily() == {"expired": 0, "reminded": 0}
    assert len(mail.outbox) == 1
    assert Card.objects.get(pk=later.pk).status == Card.Status.ACTIVE


def test_export_holds_cards_and_their_checks(card, partner, perk):
    CheckFactory(partner=partner, card=card, perk=perk, accepted=True)
    data = export_personal_data(card.holder)["moja_starowka"]
    assert data["cards"][0]["number"] == card.number and data["cards"][0]["address"] == card.address
    assert data["checks"][0]["partner"] == partner.business.name and data["checks"][0]["accepted"] is True


def test_erasure_revokes_the_card_blanks_personal_data_and_keeps_checks(card, partner, perk):
    CheckFactory.create_batch(2, partner=partner, card=card, perk=perk, accepted=True)
    erase_personal_data(user=card.holder)
    card.refresh_from_db()
    assert card.status == Card.Status.REVOKED
    assert (card.first_name, card.last_name, card.address, card.email) == ("", "", "", "")
    assert Check.objects.filter(partner=partner, accepted=True).count() == 2
