"""core.workflow: one table of moves and one function that locks, checks the move and the actor, runs the guard,
applies, saves, writes the history row and schedules side effects on commit. Exercised on the card model with a
table of its own, so the mechanism is tested apart from any app's rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import Code, refusal
from core.workflow import Move, Workflow
from loyalty.models import Card, CardEvent
from tests.factories import StaffFactory, UserFactory
from tests.loyalty.factories import CardFactory

pytestmark = pytest.mark.django_db

Status = Card.Status


def workflow() -> Workflow:
    return Workflow(
        model=Card, history=CardEvent, subject_field="card",
        actors={"staff": lambda user, card: bool(getattr(user, "is_staff", False)), "anyone": lambda user, card: True},
        moves=[Move(Status.PENDING, Status.ACTIVE, "anyone"),
               Move(Status.ACTIVE, Status.SUSPENDED, "staff", note_required=True),
               Move(Status.SUSPENDED, Status.ACTIVE, "staff")],
    )


@pytest.fixture
def card():
    return CardFactory(status=Status.PENDING)


def test_an_allowed_move_saves_the_status_and_writes_one_history_row(card):
    staff = StaffFactory()
    entry = workflow().move(obj=card, to=Status.ACTIVE, by=staff, note="  residence confirmed ")
    card.refresh_from_db()
    assert card.status == Status.ACTIVE
    assert (entry.card_id, entry.from_status, entry.to_status, entry.by, entry.note) == (
        card.pk, Status.PENDING, Status.ACTIVE, staff, "residence confirmed")
    assert entry.created_at is not None
    assert list(CardEvent.objects.filter(card=card)) == [entry]


def test_the_callers_object_follows_the_new_state(card):
    workflow().move(obj=card, to=Status.ACTIVE, by=UserFactory())
    assert card.status == Status.ACTIVE


@pytest.mark.parametrize(("start", "to"), [(Status.PENDING, Status.SUSPENDED), (Status.ACTIVE, Status.ACTIVE),
                                           (Status.SUSPENDED, Status.REVOKED), (Status.REVOKED, Status.ACTIVE)])
def test_a_move_not_in_the_table_is_refused_on_status_with_one_code(start, to):
    card = CardFactory(status=start)
    with pytest.raises(ValidationError) as refused:
        workflow().move(obj=card, to=to, by=StaffFactory())
    errors = refused.value.error_dict
    assert list(errors) == ["status"] and [e.code for e in errors["status"]] == [Code.TRANSITION_NOT_ALLOWED]
    card.refresh_from_db()
    assert card.status == start and not CardEvent.objects.filter(card=card).exists()


def test_an_actor_the_move_does_not_name_is_denied_and_nothing_is_written():
    card = CardFactory(status=Status.ACTIVE)
    with pytest.raises(PermissionDenied):
        workflow().move(obj=card, to=Status.SUSPENDED, by=UserFactory(), note="lost")
    card.refresh_from_db()
    assert card.status == Status.ACTIVE and not CardEvent.objects.exists()


def test_a_move_that_needs_a_reason_is_refused_without_one():
    card = CardFactory(status=Status.ACTIVE)
    with pytest.raises(ValidationError) as refused:
        workflow().move(obj=card, to=Status.SUSPENDED, by=StaffFactory(), note="   ")
    assert [e.code for e in refused.value.error_dict["note"]] == [Code.NOTE_REQUIRED]


def test_a_guard_refusal_leaves_the_row_and_the_history_untouched(card):
    def guard(locked):
        raise refusal("status", "not today", Code.CARD_NOT_VALID)

    with pytest.raises(ValidationError):
        workflow().move(obj=card, to=Status.ACTIVE, by=StaffFactory(), guard=guard)
    card.refresh_from_db()
    assert card.status == Status.PENDING and not CardEvent.objects.exists()


def test_apply_sets_the_fields_of_the_move_before_the_save(card):
    def apply(locked):
        locked.valid_until = dt.date(2031, 1, 31)

    workflow().move(obj=card, to=Status.ACTIVE, by=StaffFactory(), apply=apply)
    card.refresh_from_db()
    assert card.valid_until == dt.date(2031, 1, 31)


def test_side_effects_run_only_once_the_move_is_committed(card, django_capture_on_commit_callbacks):
    seen = []
    by = StaffFactory()  # outside: saving a person queues its own callback (core.tokens forgets cached identities)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = workflow().move(obj=card, to=Status.ACTIVE, by=by,
                                on_commit=lambda locked, row: seen.append((locked.status, row.pk)))
    assert seen == [] and len(callbacks) == 1
    callbacks[0]()
    assert seen == [(Status.ACTIVE, entry.pk)]


def test_allowed_moves_are_those_of_the_status_the_user_may_make():
    card = CardFactory(status=Status.SUSPENDED)
    assert workflow().allowed_moves(card, StaffFactory()) == [Status.ACTIVE]
    assert workflow().allowed_moves(card, UserFactory()) == []
    assert workflow().targets(Status.ACTIVE) == [Status.SUSPENDED]
    assert workflow().is_allowed(Status.PENDING, Status.ACTIVE) and not workflow().is_allowed(
        Status.PENDING, Status.REVOKED)


def test_an_anonymous_or_system_move_records_no_person(card):
    entry = workflow().move(obj=card, to=Status.ACTIVE, by=AnonymousUser())
    assert entry.by is None
    assert workflow().move(obj=CardFactory(status=Status.PENDING), to=Status.ACTIVE, by=None).by is None


def test_a_table_naming_an_unknown_actor_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown actors"):
        Workflow(model=Card, history=CardEvent, subject_field="card", actors={},
                 moves=[Move(Status.PENDING, Status.ACTIVE, "nobody")])
