"""The portal's own settings plus one bare view (the stack's ceiling), for the benchmark only."""

from portal.settings import *  # noqa: F403
from portal.settings import env

ROOT_URLCONF = "bench.urls"
# BENCH_PUBLIC_CACHE=0 serves every public read afresh: the "before" figures of bench/README.md.
PUBLIC_CACHE = env.bool("BENCH_PUBLIC_CACHE", default=True)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "bench.static.BenchStaticStorage"}}  # noqa: F405
# Typed-number limits per till account and partner (loyalty.throttles) are lifted like the API throttles.
LOYALTY_TYPED_LOOKUPS = {"user": (10**9, 300), "partner": (10**9, 300)}
