"""A real Celery worker against Redis runs a task it was sent (CI sets CELERY_BROKER_URL)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="no CELERY_BROKER_URL: tasks run eagerly"),
    pytest.mark.celery_worker,
]


def test_real_worker_runs_a_sent_task():
    from django.core.cache import cache

    from centres.tasks import ping

    env = {**os.environ, "DEBUG": "1"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"ci-{uuid.uuid4().hex[:8]}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        token = uuid.uuid4().hex
        assert ping.app.conf.task_always_eager is False
        ping.apply_async(args=[token])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cache.get(f"ping:{token}") != "pong":
            time.sleep(0.2)
        assert cache.get(f"ping:{token}") == "pong", "the worker did not run the task"
    finally:
        worker.terminate()
        worker.wait(timeout=20)
