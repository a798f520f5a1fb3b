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
            share: list[Request] | None = None, start_at: float | None = None) -> None:
    rnd = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies: list[float] = []
    errors = 0
    statuses: dict[int, int] = {}
    if start_at is not None:  # every worker starts at the same moment, after all of them were spawned
        time.sleep(max(0.0, start_at - time.perf_counter()))
    began = time.perf_counter()
    end = began + duration
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
    out.put((latencies, errors, statuses, began, time.perf_counter()))


def run(host: str, port: int, target: Target, *, duration: float, concurrency: int, seed: int = 0) -> dict:
    """Throughput (requests/s) and p50/p95/p99 latency (ms) of one target. The workers are spawned first and
    start together, so the throughput is of the `duration` they all ran, not of the processes' start-up (which
    would weigh more in a short run than in a long one). `seed` varies the random requests between runs."""
    queue: mp.Queue = mp.Queue()
    concurrency = target.concurrency or concurrency
    shares = [target.requests[i::concurrency] if target.sequential else None for i in range(concurrency)]
    start_at = time.perf_counter() + 0.2 + 0.05 * concurrency
    workers = [mp.Process(target=_worker, args=(host, port, target, duration, seed * 1000 + i, queue, shares[i],
                                                 start_at))
               for i in range(concurrency)]
    for w in workers:
        w.start()
    results = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    return _summary(target.name, concurrency, [r[:3] for r in results],
                    max(r[4] for r in results) - min(r[3] for r in results))


def merge(name: str, runs: list[dict]) -> dict:
    """One summary of several runs of the same target (the slices of an interleaved measurement)."""
    return _summary(name, max(r.get("concurrency") or 0 for r in runs),
                    [(r["_latencies"], r.get("errors", 0), r.get("statuses", {})) for r in runs],
                    sum(r.get("seconds") or 0 for r in runs))


def _summary(name: str, concurrency: int, results: list[tuple[list[float], int, dict]], elapsed: float) -> dict:
    latencies = sorted(lat for r in results for lat in r[0])
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r[2].items():
            statuses[code] = statuses.get(code, 0) + n
    if not latencies:
        return {"name": name, "requests": 0, "errors": sum(r[1] for r in results), "statuses": statuses,
                "_latencies": [], "seconds": elapsed}
    raw = latencies
    if len(latencies) == 1:
        latencies = latencies * 2  # quantiles need two points
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "name": name,
        "_latencies": raw,  # for merge(); not written to the JSON
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
