"""Fixtures of the contest tests."""

from __future__ import annotations

import sys
import types

import pytest

from contests.models import Contest, Phase
from tests.contests.factories import ContestFactory, PhaseFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in English (the msgids); the Polish catalogue is checked in test_i18n."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def contest(centre):
    return ContestFactory(centre=centre)


@pytest.fixture
def garden_contest(centre):
    contest = ContestFactory(centre=centre, kind=Contest.Kind.GREEN_GARDEN, year=2026,
                             title_pl="Zielony Ogródek Toruńskiej Starówki 2026")
    PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
    return contest


@pytest.fixture
def cardholders(monkeypatch):
    """Who holds an active Moja Starówka card: tests add users to the returned set.

    The loyalty app's selector is replaced (it may not exist yet while the apps are built side by side).
    """
    holders: set[int] = set()

    def has_active_card(*, user, centre) -> bool:
        return user.pk in holders

    try:
        import loyalty.selectors as module
    except ImportError:
        module = types.ModuleType("loyalty.selectors")
        monkeypatch.setitem(sys.modules, "loyalty.selectors", module)
    monkeypatch.setattr(module, "has_active_card", has_active_card, raising=False)
    return holders
