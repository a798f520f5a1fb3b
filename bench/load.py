"""Load one endpoint from worker processes and report throughput and latency percentiles.

Each worker keeps one HTTP/1.1 connection (standard library only, so the client costs little CPU) and sends
requests back to back for the given duration; latencies are merged and summarised by the parent.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import random
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]
    body: dict | None = None


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    requests: list[Request]  # one is picked at random per request


def _worker(host: str, port: int, target: Target, duration: float, seed: int, out: mp.Queue) -> None:
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    end = time.perf_counter() + duration
    while time.perf_counter() < end:
        req = rnd.choice(target.requests)
        body = json.dumps(req.body) if req.body is not None else None
        started = time.perf_counter()
        try:
            conn.request(target.method, req.path, body=body, headers=req.headers)
            response = conn.getresponse()
            response.read()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
        statuses[response.status] = statuses.get(response.status, 0) + 1
    out.put((latencies, errors, statuses))


def run(host: str, port: int, target: Target, *, duration: float, concurrency: int) -> dict:
    """Throughput (requests/s) and p50/p95/p99 latency (ms) of one target."""
    queue: mp.Queue = mp.Queue()
    workers = [mp.Process(target=_worker, args=(host, port, target, duration, i, queue)) for i in range(concurrency)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    results = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(lat for r in results for lat in r[0])
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r[2].items():
            statuses[code] = statuses.get(code, 0) + n
    if not latencies:
        return {"name": target.name, "requests": 0, "errors": sum(r[1] for r in results), "statuses": statuses}
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "name": target.name,
        "requests": len(latencies),
        "errors": sum(r[1] for r in results),
        "statuses": statuses,
        "rps": len(latencies) / elapsed,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
    }
