"""Fixtures shared by every app's tests. Factories live in tests/factories.py and tests/<app>/factories.py."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import (
    BusinessFactory,
    CentreFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
    ZoneFactory,
)


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Throttle counters and cached values must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_tasks(request):
    """Tasks run in-process in tests, except where a test starts a real worker (marker celery_worker)."""
    from portal.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def centre(db):
    return CentreFactory()


@pytest.fixture
def other_centre(db):
    return CentreFactory()


@pytest.fixture
def zone(centre):
    return ZoneFactory(centre=centre)


@pytest.fixture
def staff(centre):
    return StaffFactory(centres=[centre])


@pytest.fixture
def other_staff(other_centre):
    return StaffFactory(centres=[other_centre])


@pytest.fixture
def resident(db):
    return UserFactory()


@pytest.fixture
def business(centre, zone):
    return BusinessFactory(centre=centre, zone=zone)


@pytest.fixture
def owner(business):
    return MembershipFactory(business=business, role="owner").user


def client_for(user) -> APIClient:
    """An API client logged in as the user (force_authenticate skips the throttled token view)."""
    client = APIClient()
    client.force_authenticate(user)
    return client
