"""Template filters for what a person reads, in the active language (see core/formats.py).

    {% load formats %}
    {{ fee.total|money }}            12 240,00 zł   ·  PLN 12,240.00
    {{ fee.discount_percent|percent }}  10%
    {{ permit.period_end|longdate }}    1 maja 2027   ·  1 May 2027
    {{ permit.period_end|shortdate }}   01.05.2027    ·  01/05/2027
    {{ check.created_at|longdatetime }} 1 maja 2027, 14:30
    {{ zone.pedestrian_width_minimum|measure:"m" }}  1,50 m
    {{ application.area_m2|measure:"m²" }}           12,00 m²
    {{ count|number:0 }}                12 240
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from core import formats

register = template.Library()


@register.filter
def money(value) -> str:
    return formats.money(value)


@register.filter
def percent(value) -> str:
    return formats.percent(value)


@register.filter
def measure(value, unit: str = "m") -> str:
    return formats.measure(value, unit or "m")


@register.filter
def number(value, places: int = 2) -> str:
    try:
        places = int(places)
    except (TypeError, ValueError):
        places = 2
    return formats.number(value, places)


@register.filter
def longdate(value) -> str:
    return formats.long_date(value)


@register.filter
def shortdate(value) -> str:
    return formats.short_date(value)


@register.filter
def longdatetime(value) -> str:
    return formats.long_datetime(value)


@register.filter
def shortdatetime(value) -> str:
    return formats.short_datetime(value)


@register.filter
def rowlabel(value) -> str:
    """The name of a row of figures: a month in words, a year or a name as it is."""
    return formats.label(value)


@register.filter
def figure(value, unit: str = "") -> str:
    """A figure of a chart or table: money for "PLN", a measure for "m"/"m²", numbers with the language's
    separators (whole numbers without decimals), a date as "01.05.2027"; text and empty values as they are."""
    if value is None or value == "":
        return "–"
    if isinstance(value, formats.Month):
        return formats.month(value)
    if isinstance(value, dt.date):
        return formats.short_date(value)
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    unit = str(unit or "")
    if unit in ("PLN", "zł"):
        return formats.money(value)
    if unit in ("m", "m²"):
        return formats.measure(value, unit)
    places = 0 if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral()) else 2
    text = formats.number(value, places)
    return f"{text}\xa0{unit}" if unit else text
