"""Settings of the test run: the portal's own (portal/settings.py), with each pytest-xdist worker given Redis
databases of its own.

Django's Redis cache empties its whole database on `cache.clear()` (FLUSHDB, whatever the key prefix), and the
tests clear it before and after each test; a real Celery worker started by a test takes whatever task is queued
on its broker. So two xdist workers must never share a Redis database. Worker gwN moves every Redis URL it is
given (REDIS_URL, CELERY_BROKER_URL, CELERY_RESULT_BACKEND) by N × the span of their database indexes:
REDIS_URL=…/10 and CELERY_BROKER_URL=…/11 become …/10 and …/11 on gw0, …/12 and …/13 on gw1. The environment
is changed before portal/settings.py reads it, so the processes a test starts (Celery workers) inherit the same
databases. PostgreSQL test databases are per worker already (pytest-django names them test_<name>_gw0, …).

Without xdist (or without Redis) nothing changes.
"""

from __future__ import annotations

import os
import re

REDIS_ENV = ("REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
REDIS_DATABASES = 16  # Redis's default `databases`
_APPLIED = "PORTAL_TEST_REDIS_WORKER"  # set once the URLs are moved, so a child process does not move them again
_URL = re.compile(r"^(?P<base>rediss?://[^/?#]*)(?:/(?P<db>\d*))?(?P<rest>[?#].*)?$")


def _db_of(url: str) -> int | None:
    match = _URL.match(url)
    if not match:
        return None
    return int(match["db"] or 0)


def redis_databases(environ=os.environ) -> tuple[int, int]:
    """(lowest database index, span) of the Redis URLs in the environment; span 0 when none is set."""
    dbs = [db for name in REDIS_ENV if (db := _db_of(environ.get(name, ""))) is not None]
    if not dbs:
        return 0, 0
    return min(dbs), max(dbs) - min(dbs) + 1


def max_workers(environ=os.environ) -> int | None:
    """How many xdist workers the Redis databases leave room for (None: no Redis, no limit)."""
    low, span = redis_databases(environ)
    if not span:
        return None
    return max(1, (REDIS_DATABASES - low) // span)


def apply_worker_databases(environ=os.environ) -> None:
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or environ.get(_APPLIED) == worker:
        return
    index = int(worker[2:])
    _, span = redis_databases(environ)
    if span and index:
        for name in REDIS_ENV:
            match = _URL.match(environ.get(name, ""))
            if not match:
                continue
            db = int(match["db"] or 0) + index * span
            if db >= REDIS_DATABASES:
                raise RuntimeError(
                    f"{worker}: {name} would need Redis database {db} (Redis has {REDIS_DATABASES}); "
                    f"run fewer xdist workers (-n) or start from a lower database index")
            environ[name] = f"{match['base']}/{db}{match['rest'] or ''}"
    environ[_APPLIED] = worker


apply_worker_databases()

from portal.settings import *  # noqa: E402, F403
