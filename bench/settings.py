"""The portal's own settings plus one bare view (the stack's ceiling), for the benchmark only."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
