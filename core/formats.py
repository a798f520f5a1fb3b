"""How a person reads numbers and dates, in the active language: Polish "12 240,00 zł", "10%", "1 maja 2027",
"01.05.2027", "1,50 m"; English "PLN 12,240.00", "10%", "1 May 2027", "01/05/2027", "1.50 m".

One place for pages, e-mails, CSV meant for people and the API's human-readable fields (the API's machine fields
stay ISO dates and decimal strings). Built on Babel's CLDR data; the template filters in
core/templatetags/formats.py call these.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal
from django.utils import timezone
from django.utils.translation import get_language

NBSP = "\xa0"


def _locale(lang: str | None = None) -> str:
    lang = (lang or get_language() or "pl").lower()
    return "en_GB" if lang.startswith("en") else "pl_PL"


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def number(value, places: int = 2, *, lang: str | None = None) -> str:
    """A decimal number with the language's separators: "12 240,00" / "12,240.00"; `places` fixed digits."""
    n = _number(value)
    if n is None:
        return ""
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    text = _babel_decimal(n, format=pattern, locale=_locale(lang), decimal_quantization=True)
    return text.replace("\u202f", NBSP)


def money(value, *, lang: str | None = None) -> str:
    """An amount in PLN: "12 240,00 zł" on Polish pages, "PLN 12,240.00" on English ones."""
    text = number(value, 2, lang=lang)
    if not text:
        return ""
    if _locale(lang).startswith("en"):
        return f"PLN{NBSP}{text}"
    return f"{text}{NBSP}zł"


def percent(value, *, lang: str | None = None) -> str:
    """A percentage given in percent units (10 or Decimal("10.00") → "10%"; 12.5 → "12,5%" / "12.5%")."""
    n = _number(value)
    if n is None:
        return ""
    text = _babel_decimal(n, format="#,##0.##", locale=_locale(lang)).replace("\u202f", NBSP)
    return f"{text}%"


def measure(value, unit: str = "m", *, places: int = 2, lang: str | None = None) -> str:
    """A length or an area with its unit: "1,50 m", "12,00 m²"."""
    text = number(value, places, lang=lang)
    return f"{text}{NBSP}{unit}" if text else ""


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def long_date(value, *, lang: str | None = None) -> str:
    """"1 maja 2027" / "1 May 2027"."""
    day = _as_date(value)
    return _babel_date(day, "d MMMM y", locale=_locale(lang)) if day else ""


def short_date(value, *, lang: str | None = None) -> str:
    """"01.05.2027" / "01/05/2027"."""
    day = _as_date(value)
    if not day:
        return ""
    return day.strftime("%d/%m/%Y") if _locale(lang).startswith("en") else day.strftime("%d.%m.%Y")


def long_datetime(value, *, lang: str | None = None) -> str:
    """"1 maja 2027, 14:30" in Europe/Warsaw time (a date alone prints as a date)."""
    if not isinstance(value, dt.datetime):
        return long_date(value, lang=lang)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{long_date(local, lang=lang)}, {local:%H:%M}"


def short_datetime(value, *, lang: str | None = None) -> str:
    """"01.05.2027 14:30" in Europe/Warsaw time."""
    if not isinstance(value, dt.datetime):
        return short_date(value, lang=lang)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{short_date(local, lang=lang)} {local:%H:%M}"
