"""Dates as the office means them: Europe/Warsaw (settings.TIME_ZONE)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today's date in Europe/Warsaw, which is what a rate, a season or a card's validity means."""
    return timezone.localdate()
