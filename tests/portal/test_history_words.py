"""A history entry names its statuses in words wherever Django prints it (admin lists, deletion pages, logs):
"zgłoszone → zakwalifikowane", never the codes "submitted → eligible" (issue 14)."""

from __future__ import annotations

import pytest
from django.utils import translation

from contests.models import Entry, EntryStatusChange
from loyalty.models import Card, CardEvent
from murals.models import Mural, MuralStatusChange
from tests.contests.factories import EntryFactory
from tests.loyalty.factories import CardFactory
from tests.murals.factories import MuralFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make, model", [
    (lambda: CardEvent(card=CardFactory(), from_status="", to_status=Card.Status.ACTIVE), Card),
    (lambda: MuralStatusChange(mural=MuralFactory(), from_status=Mural.Status.PLANNED,
                               to_status=Mural.Status.COMPLETED), Mural),
    (lambda: EntryStatusChange(entry=EntryFactory(), from_status=Entry.Status.SUBMITTED,
                               to_status=Entry.Status.choices[-1][0]), Entry),
])
def test_history_entries_print_status_words_not_codes(make, model):
    change = make()
    with translation.override("pl"):
        text = str(change)
        to_label = str(dict(model.Status.choices)[change.to_status])
    assert f"→ {to_label}" in text
    if to_label != change.to_status:
        assert f"→ {change.to_status}" not in text
    if change.from_status:
        assert change.from_status not in text.split("→")[0].split(":")[-1]
    else:
        assert "— →" in text
