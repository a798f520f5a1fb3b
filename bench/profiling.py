"""Where a request's time goes, in process, on the bench data (run bench/run.py once first to make it).

For each endpoint: the mean time of a request (Django's test client, full middleware, DEBUG off), its queries, and
its CPU time by layer from cProfile (database round trips, ORM, templates, DRF serialisers, cache, middleware, the
apps' own code), with the public cache off ("before") and on ("after", a warm cache). A pyinstrument text tree
of each endpoint goes to bench/.data/profile/<endpoint>-<cache>.txt for the details.

    .venv/bin/python bench/profiling.py [--requests 30] [--only perks_api,verify]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import HOST, SERVER_ENV, _secret_key  # noqa: E402

LAYERS = [  # (layer, path fragments), first match wins
    ("database (psycopg, round trips)", ("psycopg", "django/db/backends")),
    ("ORM (queries, model instances)", ("django/db/models", "django/db/transaction", "django/db/utils")),
    ("templates", ("django/template", "django/templatetags", "core/templatetags")),
    ("DRF serialisers", ("rest_framework/serializers", "rest_framework/fields", "rest_framework/relations")),
    ("DRF (views, auth, parsing, rendering)", ("rest_framework", "django_filters", "drf_standardized_errors")),
    ("cache (Redis)", ("redis/", "django/core/cache")),
    ("i18n", ("django/utils/translation", "gettext")),
    ("crypto (tokens, signatures)", ("cryptography", "hmac", "hashlib", "django/utils/crypto")),
    ("middleware and request handling", ("django/core/handlers", "django/middleware", "django/contrib/sessions",
                                         "django/contrib/auth", "django/contrib/messages", "csp/", "axes/",
                                         "auditlog/", "whitenoise", "core/middleware", "django/http")),
    ("the portal's code", tuple(f"/work/main/{app}/" for app in ("core", "centres", "loyalty", "gardens",
                                                                  "contests", "murals", "office", "portal"))),
]


def _layer(filename: str) -> str:
    for layer, parts in LAYERS:
        if any(p in filename for p in parts):
            return layer
    return "other (Python, Django utils, test client)"


def _by_layer(profile: cProfile.Profile) -> dict[str, float]:
    """Own time per layer; a C function's (a socket read, a regex, a hash) goes to the layers that called it, in
    proportion to their calls' time, so waiting for PostgreSQL or Redis counts where it was asked for."""
    stats = pstats.Stats(profile)
    out: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, callers) in stats.stats.items():
        if filename != "~" or not callers:
            out[_layer(filename)] = out.get(_layer(filename), 0.0) + tottime
            continue
        spent = sum(c[3] for c in callers.values()) or 1.0
        for (caller_file, _l, _n), c in callers.items():
            layer = _layer(caller_file)
            out[layer] = out.get(layer, 0.0) + tottime * c[3] / spent
    return out


def _first_tries(requests: list) -> list:
    """The voting burst's requests without the simultaneous second tries (one per resident)."""
    seen: set[str] = set()
    out = []
    for req in requests:
        token = req.headers.get("Authorization")
        if token not in seen:
            seen.add(token)
            out.append(req)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default="")
    parser.add_argument("--sql", action="store_true", help="print the statements of one request")
    args = parser.parse_args()
    SERVER_ENV["SECRET_KEY"] = SERVER_ENV["SECRET_KEY"] or _secret_key()
    os.environ.update(SERVER_ENV)
    import subprocess

    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], check=True, cwd=ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from bench.generate import CENTRE_SLUG
    from bench.run import _endpoints

    only = {k for k in args.only.split(",") if k}
    endpoints = [e for e in _endpoints() if not only or e.key in only]
    out_dir = ROOT / "bench" / ".data" / "profile"
    out_dir.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(3)
    print(f"centre {CENTRE_SLUG}; {args.requests} requests per endpoint and cache setting; times in ms per request")
    for e in endpoints:
        requests = e.build()
        # Votes: each resident votes once (a second vote is a refusal, not the path measured), so every request
        # below is a fresh one, taken in order; the public cache plays no part in a POST (one pass only).
        fresh = iter(_first_tries(requests)) if e.key == "votes" else None
        for cached in ((False,) if fresh else (False, True)):
            settings.PUBLIC_CACHE = cached
            client = Client(HTTP_HOST=HOST)
            if fresh:
                requests = [next(fresh) for _ in range(min(50, args.requests))]
                picks = [next(fresh) for _ in range(args.requests + 11)]
            else:
                picks = [rnd.choice(requests) for _ in range(args.requests)]

            def send(req, client=client, e=e):
                headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in req.headers.items()
                           if k.lower() not in ("content-type", "cookie")}
                if "Cookie" in req.headers:
                    name, value = req.headers["Cookie"].split("=", 1)
                    client.cookies[name] = value
                if e.method == "POST":
                    return client.post(req.path, req.body, content_type="application/json", **headers)
                return client.get(req.path, **headers)

            for req in requests[:50]:  # warm: imports, connections and (cache on) every variant's entry
                send(req)
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                send(picks[0])
            if fresh:
                picks, tree_picks = picks[1:args.requests + 1], picks[args.requests + 1:]
            else:
                tree_picks = picks[:10]
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            statuses: dict[int, int] = {}
            for req in picks:
                code = send(req).status_code
                statuses[code] = statuses.get(code, 0) + 1
            profiler.disable()
            wall = (time.perf_counter() - started) / len(picks) * 1000
            layers = _by_layer(profiler)
            total = sum(layers.values()) or 1
            top = sorted(layers.items(), key=lambda kv: -kv[1])[:5]
            print(f"\n{e.name} — cache {'on' if cached else 'off'}: {wall:.1f} ms/request, "
                  f"{len(queries)} queries, statuses {statuses}")
            if args.sql:
                for sql in queries:
                    print(f"      SQL {sql[:160]}")
            for layer, seconds in top:
                print(f"    {seconds / len(picks) * 1000:6.1f} ms  {seconds / total:4.0%}  {layer}")
            try:
                from pyinstrument import Profiler
            except ImportError:
                continue
            tree = Profiler(interval=0.0005)
            tree.start()
            for req in tree_picks:
                send(req)
            tree.stop()
            (out_dir / f"{e.key}-{'cached' if cached else 'uncached'}.txt").write_text(
                tree.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
