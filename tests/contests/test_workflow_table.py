"""The entry workflow on core.workflow: every allowed move listed, every other move refused the same way."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contests import services
from contests.models import Entry, EntryStatusChange
from tests.contests.factories import EntryFactory
from tests.factories import UserFactory

S = Entry.Status
ALLOWED = {
    (S.SUBMITTED, S.ELIGIBLE), (S.SUBMITTED, S.INELIGIBLE),
    (S.ELIGIBLE, S.INELIGIBLE), (S.ELIGIBLE, S.SHORTLISTED),
    (S.INELIGIBLE, S.ELIGIBLE),
    (S.SHORTLISTED, S.FINALIST), (S.SHORTLISTED, S.ELIGIBLE), (S.SHORTLISTED, S.INELIGIBLE),
    (S.FINALIST, S.WINNER), (S.FINALIST, S.SHORTLISTED), (S.FINALIST, S.INELIGIBLE),
    (S.WINNER, S.FINALIST),
}
ALL = list(itertools.product(S.values, S.values))


def test_the_table_is_the_workflows():
    assert set(services.ENTRY_WORKFLOW.moves) == ALLOWED


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_every_allowed_move_is_made_and_recorded(contest, staff, source, target):
    entry = EntryFactory(contest=contest, status=source,
                         ineligible_reason="x" if source == S.INELIGIBLE else "")
    services.set_entry_status(entry=entry, to=target, by=staff, reason="Decyzja komisji")
    entry.refresh_from_db()
    assert entry.status == target
    change = EntryStatusChange.objects.get(entry=entry)
    assert (change.from_status, change.to_status, change.by, change.note) == (source, target, staff,
                                                                               "Decyzja komisji")
    assert change.created_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), [m for m in ALL if m not in ALLOWED])
def test_every_other_move_is_refused_on_status_with_one_code(contest, staff, source, target):
    entry = EntryFactory(contest=contest, status=source,
                         ineligible_reason="x" if source == S.INELIGIBLE else "")
    with pytest.raises(ValidationError) as err:
        services.set_entry_status(entry=entry, to=target, by=staff, reason="r")
    assert list(err.value.error_dict) == ["status"]
    assert err.value.error_dict["status"][0].code == "transition_not_allowed"
    assert not EntryStatusChange.objects.filter(entry=entry).exists()


@pytest.mark.django_db
def test_only_staff_of_the_centre_move_an_entry(contest, other_staff):
    entry = EntryFactory(contest=contest, status=S.SUBMITTED)
    for user in (other_staff, UserFactory()):
        with pytest.raises(PermissionDenied):
            services.set_entry_status(entry=entry, to=S.ELIGIBLE, by=user)
