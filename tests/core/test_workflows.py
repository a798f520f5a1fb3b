"""The four workflows on one mechanism (core.workflow), as one table each: every allowed move is listed here, and
every other move is refused the same way — a ValidationError on field `status` with code `transition_not_allowed`,
through the service layer and as the API's one 400 shape. Changing a workflow means changing its table here.

For the moves the table allows, a person the move does not name is denied (403: the table let the move through to
the actor check); for the moves it does not, even a superuser is refused with the one code and nothing is written.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.errors import Code
from core.workflow import Workflow
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    module: str
    name: str
    allowed: frozenset[tuple[str, str]]
    make: Callable[[str, object], object]  # (status, centre) -> an object in that status
    api: tuple[str, str, str, dict] | None = None  # (status of the object, URL template, one refused target's body)


def moves(table: dict[str, set[str]]) -> frozenset[tuple[str, str]]:
    return frozenset((source, target) for source, targets in table.items() for target in targets)


# --- how to make an object in a given status ------------------------------------------------------------

def make_card(status, centre):
    from tests.loyalty.factories import CardFactory

    return CardFactory(centre=centre, status=status)


def make_application(status, centre):
    from gardens.models import GardenApplication
    from tests.contests.factories import approved_garden
    from tests.factories import BusinessFactory
    from tests.gardens.factories import ApplicationFactory, SeasonFactory

    if status in ("approved", "revoked"):
        return approved_garden(centre=centre, status=status)
    application = ApplicationFactory(business=BusinessFactory(centre=centre),
                                     season=SeasonFactory(centre=centre, year=2026))
    if status != "draft":
        GardenApplication.objects.filter(pk=application.pk).update(status=status, submitted_at=timezone.now())
        application.refresh_from_db()
    return application


def make_entry(status, centre):
    from tests.contests.factories import ContestFactory, EntryFactory

    return EntryFactory(contest=ContestFactory(centre=centre), status=status,
                        ineligible_reason="Not a garden of the centre." if status == "ineligible" else "")


def make_mural(status, centre):
    from tests.murals.factories import MuralFactory

    return MuralFactory(centre=centre, status=status)


# --- the tables -------------------------------------------------------------------------------------------

CASES = {
    "card": Case("loyalty.services", "CARD_WORKFLOW", moves({
        "pending": {"active", "revoked"},
        "active": {"active", "suspended", "expired", "revoked"},  # active → active: a renewal
        "suspended": {"active", "expired", "revoked"},
        "expired": {"active", "revoked"},
        "revoked": set(),
    }), make_card, ("revoked", "/api/v1/loyalty/cards/{pk}/suspend/", {"note": "lost"})),
    "application": Case("gardens.services", "WORKFLOW", moves({
        "draft": {"submitted", "withdrawn"},
        "submitted": {"approved", "rejected", "changes_requested", "withdrawn"},
        "in_review": {"approved", "rejected", "changes_requested", "withdrawn"},  # legacy rows only
        "changes_requested": {"submitted", "withdrawn"},
        "approved": {"revoked"},
        "rejected": set(), "withdrawn": set(), "revoked": set(),
    }), make_application, ("draft", "/api/v1/gardens/applications/{pk}/revoke/", {"note": "no reason"})),
    "entry": Case("contests.services", "ENTRY_WORKFLOW", moves({
        "submitted": {"eligible", "ineligible"},
        "eligible": {"ineligible", "shortlisted"},
        "ineligible": {"eligible"},
        "shortlisted": {"finalist", "eligible", "ineligible"},
        "finalist": {"winner", "shortlisted", "ineligible"},
        "winner": {"finalist"},
    }), make_entry, ("submitted", "/api/v1/contests/entries/{pk}/status/", {"to": "winner"})),
    "mural": Case("murals.services", "MURAL_WORKFLOW", moves({
        "planned": {"approved_by_conservator", "removed"},
        "approved_by_conservator": {"being_painted", "planned", "removed"},
        "being_painted": {"completed", "approved_by_conservator"},
        "completed": {"needs_maintenance", "removed"},
        "needs_maintenance": {"completed", "being_painted", "removed"},
        "removed": set(),
    }), make_mural, ("planned", "/api/v1/murals/murals/{pk}/status/", {"status": "completed"})),
}


def workflow_of(case: Case) -> Workflow:
    workflow = getattr(importlib.import_module(case.module), case.name, None)
    if not isinstance(workflow, Workflow):
        pytest.fail(f"{case.module}.{case.name} is not a core.workflow.Workflow")
    return workflow


def statuses(workflow: Workflow) -> list[str]:
    return [value for value, _label in workflow.model._meta.get_field(workflow.status_field).flatchoices]


def history_count(workflow: Workflow, obj) -> int:
    return workflow.history._default_manager.filter(**{workflow.subject_field: obj}).count()


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_workflow_allows_exactly_the_moves_of_its_table(key):
    workflow = workflow_of(CASES[key])
    assert set(workflow.moves) == set(CASES[key].allowed)
    assert {s for pair in CASES[key].allowed for s in pair} <= set(statuses(workflow))


@pytest.mark.parametrize("key", sorted(CASES))
def test_every_move_outside_the_table_is_refused_with_one_shape_and_code(key, centre, superuser):
    case = CASES[key]
    workflow = workflow_of(case)
    for source in statuses(workflow):
        obj = case.make(source, centre)
        for target in statuses(workflow):
            if (source, target) in case.allowed:
                continue
            with pytest.raises(ValidationError) as refused:
                workflow.move(obj=obj, to=target, by=superuser, note="a reason")
            errors = refused.value.error_dict
            assert list(errors) == ["status"], (source, target)
            assert [e.code for e in errors["status"]] == [Code.TRANSITION_NOT_ALLOWED], (source, target)
            obj.refresh_from_db()
            assert getattr(obj, workflow.status_field) == source and history_count(workflow, obj) == 0


@pytest.mark.parametrize("key", sorted(CASES))
def test_every_move_in_the_table_reaches_the_check_of_who_may_make_it(key, centre):
    case = CASES[key]
    workflow = workflow_of(case)
    outsider = UserFactory()
    for source, target in sorted(case.allowed):
        obj = case.make(source, centre)
        with pytest.raises(PermissionDenied):
            workflow.move(obj=obj, to=target, by=outsider, note="a reason")
        obj.refresh_from_db()
        assert getattr(obj, workflow.status_field) == source and history_count(workflow, obj) == 0


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_api_answers_a_refused_move_with_the_one_error_shape(key, centre, client_for_superuser):
    case = CASES[key]
    workflow = workflow_of(case)
    source, url, body = case.api
    obj = case.make(source, centre)
    response = client_for_superuser.post(url.format(pk=obj.pk), body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["type"] == "validation_error"
    assert [(e["attr"], e["code"]) for e in data["errors"]] == [("status", Code.TRANSITION_NOT_ALLOWED)]
    assert data["errors"][0]["detail"]
    obj.refresh_from_db()
    assert getattr(obj, workflow.status_field) == source


@pytest.fixture
def client_for_superuser(superuser):
    from tests.conftest import client_for

    return client_for(superuser)

