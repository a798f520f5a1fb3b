"""Fixtures shared by every app's tests. Factories live in tests/factories.py and tests/<app>/factories.py."""

from __future__ import annotations

import os

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


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker per CPU, but no more than the Redis databases leave room for (tests/settings.py)."""
    from tests.settings import max_workers

    try:
        cpus = int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    except (KeyError, ValueError):
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    limit = max_workers()
    return max(1, min(cpus, limit) if limit else cpus)


def pytest_configure(config: pytest.Config) -> None:
    """A parallel run must not share one Redis database between workers (cache.clear() empties it for all)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and worker != "gw0" and os.environ.get("REDIS_URL"):
        from django.conf import settings

        if os.environ.get("PORTAL_TEST_REDIS_WORKER") != worker:
            raise pytest.UsageError(
                f"{worker} shares Redis with the other workers: run with DJANGO_SETTINGS_MODULE=tests.settings "
                f"(pyproject.toml), not {settings.SETTINGS_MODULE}")


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Throttle counters and cached values must not leak from one test into the next, nor a process's copy of
    the card-signing keys: a key made in a test is rolled back with it, and on SQLite the next test's centre
    may get the same id (a token minted with the forgotten key would then be refused as not genuine)."""
    from loyalty import tokens

    cache.clear()
    tokens.forget_keys()
    yield
    cache.clear()
    tokens.forget_keys()


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


@pytest.fixture
def redis_commands(monkeypatch) -> list[str]:
    """The names of the Redis commands the cache sends from now on, in order (clear it after a warm-up), a
    pipeline's as "PIPELINE" (one round trip); the test is skipped when the cache is not Redis."""
    from redis.client import Pipeline

    from core import throttling

    client = throttling._redis()
    if client is None:
        pytest.skip("the cache is not Redis (set REDIS_URL)")
    commands: list[str] = []
    original = type(client).execute_command

    def counted(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(client), "execute_command", counted)
    sent = Pipeline.execute

    def pipeline(self, *args, **kwargs):
        if self.command_stack:
            commands.append("PIPELINE")
        return sent(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", pipeline)
    return commands


def end_database_session() -> int:
    """End the default connection's PostgreSQL session from another connection, as a server restart or an
    administrator would, and end the request as Django does (so the next query would be health-checked).
    Answers the ended session's backend pid."""
    from django.db import connection, connections

    ended = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [ended])
    finally:
        other.close()
    connection.close_if_unusable_or_obsolete()
    return ended
