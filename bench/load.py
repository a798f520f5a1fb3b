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
    requests: list[Request]  # one is picked at random per request (sequential: each sent once, in order)
    sequential: bool = False  # a burst: worker i sends requests[i::concurrency] once each, then stops
    concurrency: int | None = None  # client processes for this target (default: the run's)


def _worker(host: str, port: int, target: Target, duration: float, seed: int, out: mp.Queue,
            share: list[Request] | None = None) -> None:
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    end = time.perf_counter() + duration
    queue = iter(share) if share is not None else None
    while time.perf_counter() < end:
        if queue is not None:
            req = next(queue, None)
            if req is None:
                break
        else:
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
    concurrency = target.concurrency or concurrency
    shares = [target.requests[i::concurrency] if target.sequential else None for i in range(concurrency)]
    workers = [mp.Process(target=_worker, args=(host, port, target, duration, i, queue, shares[i]))
               for i in range(concurrency)]
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
    if len(latencies) == 1:
        latencies = latencies * 2  # quantiles need two points
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "name": target.name,
        "requests": sum(statuses.values()),
        "errors": sum(r[1] for r in results),
        "statuses": statuses,
        "concurrency": concurrency,
        "seconds": elapsed,
        "rps": sum(statuses.values()) / elapsed,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
    }
