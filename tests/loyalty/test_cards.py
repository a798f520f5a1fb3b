"""Applications, numbers and the card workflow."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from loyalty import services, tokens
from loyalty.models import Card, CardEvent, ProgrammeSettings
from tests.factories import UserFactory
from tests.loyalty.factories import CardFactory

pytestmark = pytest.mark.django_db

APPLICATION = dict(first_name="Maria", last_name="Toruńska", address="ul. Szeroka 12/3", postal_code="87-100",
                   city="Toruń", accept_terms=True)


def apply(user, centre, **changes):
    return services.apply_for_card(user=user, centre=centre, **{**APPLICATION, **changes})


def test_application_is_pending_with_a_luhn_checked_number(resident, centre):
    card = apply(resident, centre)
    assert card.status == Card.Status.PENDING
    assert len(card.number) == tokens.NUMBER_LENGTH
    assert tokens.number_is_well_formed(card.number)
    assert card.email == resident.email
    assert list(card.events.values_list("to_status", flat=True)) == ["pending"]


def test_application_needs_consent_and_address(resident, centre):
    with pytest.raises(ValidationError) as exc:
        apply(resident, centre, accept_terms=False, address="")
    assert set(exc.value.message_dict) >= {"accept_terms", "address"}
    assert not Card.objects.exists()


def test_one_live_card_per_resident_per_centre(resident, centre, other_centre):
    apply(resident, centre)
    with pytest.raises(ValidationError, match="already have a card"):
        apply(resident, centre)
    assert apply(resident, other_centre).centre == other_centre


def test_numbers_are_unique_in_the_centre_and_never_reused(centre, staff):
    first = apply(UserFactory(), centre)
    services.revoke_card(card=first, by=staff)
    second = apply(UserFactory(), centre)
    again = apply(first.holder, centre)
    numbers = {first.number, second.number, again.number}
    assert len(numbers) == 3


@time_machine.travel(dt.datetime(2026, 3, 10, 12, 0), tick=False)
def test_office_activation_gives_two_years_and_sends_one_email(resident, centre, staff,
                                                              django_capture_on_commit_callbacks):
    card = apply(resident, centre)
    with django_capture_on_commit_callbacks(execute=True):
        card = services.activate_card(card=card, by=staff)
    assert card.status == Card.Status.ACTIVE
    assert card.valid_from == dt.date(2026, 3, 10)
    assert card.valid_until == dt.date(2028, 3, 9)
    assert len(mail.outbox) == 1
    assert card.formatted_number in mail.outbox[0].body
    event = card.events.last()
    assert (event.from_status, event.to_status, event.by) == ("pending", "active", staff)
    from loyalty.tasks import send_activation_email

    send_activation_email(card.pk)
    assert len(mail.outbox) == 1, "a second run sends nothing"


@time_machine.travel(dt.datetime(2026, 3, 10, 12, 0), tick=False)
def test_validity_and_auto_activation_are_set_per_centre(resident, centre):
    ProgrammeSettings.objects.create(centre=centre, validity_years=3, auto_activate=True)
    card = apply(resident, centre)
    assert card.status == Card.Status.ACTIVE
    assert card.valid_until == dt.date(2029, 3, 9)


@time_machine.travel(dt.datetime(2026, 3, 10, 12, 0), tick=False)
def test_renewal_extends_from_the_end_of_the_current_period(centre, staff):
    card = CardFactory(centre=centre, valid_from=dt.date(2024, 6, 1), valid_until=dt.date(2026, 5, 31))
    card = services.renew_card(card=card, by=staff)
    assert card.valid_from == dt.date(2024, 6, 1)
    assert card.valid_until == dt.date(2028, 5, 31)


@time_machine.travel(dt.datetime(2026, 3, 10, 12, 0), tick=False)
def test_expired_card_renews_from_today(centre, staff):
    card = CardFactory(centre=centre, status=Card.Status.EXPIRED, valid_from=dt.date(2023, 1, 1),
                       valid_until=dt.date(2024, 12, 31))
    card = services.renew_card(card=card, by=staff)
    assert (card.status, card.valid_from, card.valid_until) == ("active", dt.date(2026, 3, 10), dt.date(2028, 3, 9))


def test_moves_outside_the_workflow_are_refused(centre, staff):
    card = CardFactory(centre=centre, status=Card.Status.REVOKED)
    for service in (services.activate_card, services.suspend_card, services.renew_card, services.revoke_card,
                    services.reissue_card):
        with pytest.raises(ValidationError):
            service(card=card, by=staff)
    pending = CardFactory(centre=centre, status=Card.Status.PENDING, valid_from=None, valid_until=None)
    with pytest.raises(ValidationError) as exc:
        services.suspend_card(card=pending, by=staff)
    assert exc.value.error_dict["status"][0].code == "transition_not_allowed"
    active = CardFactory(centre=centre)
    with pytest.raises(ValidationError, match="needs a card that is") as exc:
        services.activate_card(card=active, by=staff)
    assert exc.value.error_dict["status"][0].code == "transition_not_allowed"
    assert CardEvent.objects.count() == 0


def test_who_may_move_a_card_is_checked_in_the_service(centre, other_staff, holder):
    from django.core.exceptions import PermissionDenied

    card = CardFactory(centre=centre, holder=holder, status=Card.Status.PENDING, valid_from=None, valid_until=None)
    for user in (holder, other_staff):
        with pytest.raises(PermissionDenied):
            services.activate_card(card=card, by=user)
    assert Card.objects.get(pk=card.pk).status == Card.Status.PENDING


def test_reissue_revokes_the_lost_card_and_links_a_new_number(card, staff):
    new = services.reissue_card(card=card, by=staff, note="lost on the tram")
    card.refresh_from_db()
    assert card.status == Card.Status.REVOKED
    assert new.status == Card.Status.ACTIVE
    assert new.replaces == card and card.replaced_by == new
    assert new.number != card.number and new.secret != card.secret
    assert new.valid_until == card.valid_until


def test_suspended_card_can_be_reinstated(card, staff):
    services.suspend_card(card=card, by=staff, note="misuse reported")
    card = services.activate_card(card=card, by=staff)
    assert card.status == Card.Status.ACTIVE
    assert [e.to_status for e in card.events.all()] == ["suspended", "active"]


ALL_STATUSES = [s.value for s in Card.Status]


@pytest.mark.parametrize("source", ALL_STATUSES)
@pytest.mark.parametrize("target", ALL_STATUSES)
def test_card_workflow_table_allows_its_moves_and_refuses_every_other_the_same_way(centre, staff, source, target):
    """Every (from, to) pair: the table's moves go through for the office; any other is refused on `status` with
    `transition_not_allowed`, and nothing is recorded."""
    from loyalty.services import CARD_WORKFLOW

    card = CardFactory(centre=centre, status=source)  # dated, so the table alone decides (services set the dates)
    if CARD_WORKFLOW.is_allowed(source, target):
        CARD_WORKFLOW.move(obj=card, to=target, by=staff)
        assert Card.objects.get(pk=card.pk).status == target
        assert CardEvent.objects.filter(card=card, from_status=source, to_status=target).count() == 1
    else:
        with pytest.raises(ValidationError) as exc:
            CARD_WORKFLOW.move(obj=card, to=target, by=staff)
        assert [e.code for e in exc.value.error_dict["status"]] == ["transition_not_allowed"]
        assert Card.objects.get(pk=card.pk).status == source
        assert not CardEvent.objects.filter(card=card).exists()


def test_card_workflow_moves_of_the_office_are_refused_to_others(centre, holder, other_staff):
    from django.core.exceptions import PermissionDenied

    from loyalty.services import CARD_WORKFLOW

    for source, target in CARD_WORKFLOW.moves:
        card = CardFactory(centre=centre, holder=UserFactory(), status=source, valid_from=dt.date(2020, 1, 1),
                           valid_until=dt.date(2099, 12, 31))
        for user in (holder, other_staff):
            with pytest.raises(PermissionDenied):
                CARD_WORKFLOW.move(obj=card, to=target, by=user)
