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


def test_real_worker_runs_a_sent_task(tmp_path):
    """The worker listens on a queue of its own, so tasks other tests left on the broker (which no worker ran)
    cannot keep it busy past the deadline; its log goes to a file (a pipe nobody reads fills up and blocks it)."""
    from django.core.cache import cache

    from centres.tasks import ping

    env = {**os.environ, "DEBUG": "1"}
    queue = f"ci-ping-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with log.open("wb") as stderr:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
             "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-Q", queue, "-n", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            token = uuid.uuid4().hex
            assert ping.app.conf.task_always_eager is False
            ping.apply_async(args=[token], queue=queue)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and cache.get(f"ping:{token}") != "pong":
                time.sleep(0.2)
            assert cache.get(f"ping:{token}") == "pong", (
                "the worker did not run the task; its log ends:\n" + log.read_text(errors="replace")[-2000:])
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=10)
