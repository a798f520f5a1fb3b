"""Fixtures of the mural tests."""

from __future__ import annotations

import pytest

from contests.models import Contest, Phase
from tests.contests.factories import ContestFactory, PhaseFactory
from tests.murals.factories import WallFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the msgids)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def mural_contest(centre):
    contest = ContestFactory(centre=centre, kind=Contest.Kind.MURAL_DESIGN, year=2024,
                             title_pl="Konkurs na mural przy Świętej Katarzyny 4")
    PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
    return contest


@pytest.fixture
def wall(centre, zone, mural_contest):
    return WallFactory(centre=centre, zone=zone, contest=mural_contest)
