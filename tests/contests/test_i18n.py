"""The Polish catalogue of the contests app is used (the office and most voters read Polish)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from contests import services
from tests.contests.factories import round_with_entries


@pytest.mark.django_db
def test_second_vote_is_refused_in_polish(contest, resident):
    voting_round, (a, b, _c) = round_with_entries(contest)
    services.cast_vote(voting_round=voting_round, entry=a, voter=resident)
    with translation.override("pl"), pytest.raises(ValidationError) as err:
        services.cast_vote(voting_round=voting_round, entry=b, voter=resident)
    assert err.value.messages == ["Głos w tej rundzie został już oddany."]
