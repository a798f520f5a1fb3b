"""The till's hot path under load, next to the stack's own ceiling.

1. Makes (or reuses) the PostgreSQL database `portal_bench` and fills it with bench/generate.py.
2. Serves the portal with gunicorn (production-like settings: DEBUG off, Redis cache for the throttles).
3. From separate worker processes, loads for BENCH_DURATION seconds each:
   - ceiling: a bare Django view that reads one row by primary key (same middleware, one query);
   - verify:  POST /api/v1/loyalty/verify/ by till staff of a random partner, a random card (QR token or typed
              number) and, mostly, one of that partner's perks;
   - perks:   GET /api/v1/loyalty/perks/ (public list, random page and filters).
4. Prints throughput and p50/p95/p99 latency, and each endpoint's throughput as a share of the ceiling.

Run it with `make bench`. Environment: BENCH_DURATION (s, default 20), BENCH_CONCURRENCY (client processes,
default 2 x CPUs), BENCH_WORKERS (gunicorn workers, default 2 x CPUs + 1), BENCH_DATABASE_URL, BENCH_REDIS_URL.
"""

from __future__ import annotations

import os
import random
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CPUS = os.cpu_count() or 1
DURATION = float(os.environ.get("BENCH_DURATION", "20"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", str(2 * CPUS)))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * CPUS + 1)))
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8766"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
UNLIMITED = "1000000/s"

SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    "DEBUG": "0",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + secrets.token_hex(32),
    "ALLOWED_HOSTS": HOST,
    "LOG_LEVEL": "WARNING",
    # The bench measures the code, not the throttles: lift them for this run only.
    "THROTTLE_ANON": UNLIMITED, "THROTTLE_USER": UNLIMITED, "THROTTLE_VERIFY": UNLIMITED,
}


def _ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(DATABASE_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _targets():
    """Request mixes for the three endpoints, built from the generated data."""
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from bench.generate import BENCH_TILL_DOMAIN
    from bench.load import Request, Target
    from centres.models import Business, BusinessMembership
    from loyalty import tokens
    from loyalty.models import Card, Perk

    rnd = random.Random(7)
    tills = {}
    for m in BusinessMembership.objects.filter(user__email__endswith=BENCH_TILL_DOMAIN).select_related(
            "user", "business__loyalty_partner"):
        token, _ = Token.objects.get_or_create(user=m.user)
        tills[m.business.loyalty_partner.pk] = token.key
    perks: dict[int, list[int]] = {}
    for perk_id, partner_id in Perk.objects.filter(partner_id__in=tills).values_list("pk", "partner_id"):
        perks.setdefault(partner_id, []).append(perk_id)
    card_ids = list(Card.objects.values_list("pk", flat=True))
    sample = Card.objects.filter(pk__in=rnd.sample(card_ids, 5_000)).values_list("pk", "number", "secret")
    verify = []
    for card_id, number, secret in sample:
        partner_id = rnd.choice(list(tills))
        code = tokens.make_token(card_id=card_id, secret=secret) if rnd.random() < 0.7 else number
        perk = rnd.choice(perks[partner_id]) if rnd.random() < 0.8 else None
        verify.append(Request("/api/v1/loyalty/verify/",
                              {"Authorization": f"Token {tills[partner_id]}", "Content-Type": "application/json",
                               "Accept": "application/json"},
                              {"code": code, "partner": partner_id, "perk": perk}))
    listing = [Request(f"/api/v1/loyalty/perks/{query}", {"Accept": "application/json"})
               for query in ("", "?page=2", "?page=7", "?kind=percent", "?category=cafe", "?search=kawa",
                             "?kind=free_item&page=3")]
    business_ids = list(Business.objects.values_list("pk", flat=True))
    ceiling = [Request(f"/bench/ceiling/{pk}", {"Accept": "application/json"}) for pk in business_ids]
    return [Target("ceiling (1 row by pk)", "GET", ceiling), Target("verify (POST)", "POST", verify),
            Target("perk list (GET)", "GET", listing)]


def _wait_until_up(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not come up")


def main() -> None:
    os.environ.update(SERVER_ENV)
    _ensure_database()
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py")], check=True, cwd=ROOT)
    targets = _targets()
    from django.db import connections

    connections.close_all()
    from bench.load import run

    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS),
         "--log-level", "warning"], cwd=ROOT)
    try:
        _wait_until_up()
        results = []
        for target in targets:
            run(HOST, PORT, target, duration=min(3.0, DURATION), concurrency=CONCURRENCY)  # warm-up
            results.append(run(HOST, PORT, target, duration=DURATION, concurrency=CONCURRENCY))
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    print(f"\n{CPUS} CPUs, gunicorn {WORKERS} sync workers, {CONCURRENCY} client processes, {DURATION:.0f} s each")
    print(f"{'endpoint':<24}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'of ceiling':>12}  statuses")
    ceiling_rps = results[0].get("rps") or 0
    for r in results:
        if not r["requests"]:
            print(f"{r['name']:<24} no successful request; errors {r['errors']}, statuses {r['statuses']}")
            continue
        share = f"{r['rps'] / ceiling_rps:.0%}" if ceiling_rps else "-"
        print(f"{r['name']:<24}{r['requests']:>10}{r['rps']:>10.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
              f"{share:>12}  {dict(sorted(r['statuses'].items()))}")
    if any(code >= 500 for r in results for code in r["statuses"]):
        sys.exit("server errors during the run")


if __name__ == "__main__":
    main()
