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
from django.utils.translation import get_language, override, pgettext

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


class Month(dt.date):
    """A calendar month (its first day) in a table of figures: "grudzień 2026" / "December 2026" for people,
    "2026-12" for machines (`isoformat`, what the API and the CSV for machines give)."""

    def isoformat(self) -> str:  # type: ignore[override]
        return f"{self.year:04d}-{self.month:02d}"

    def __str__(self) -> str:
        return self.isoformat()


def month(value, *, lang: str | None = None) -> str:
    """"grudzień 2026" / "December 2026"."""
    day = _as_date(value)
    return _babel_date(day, "LLLL y", locale=_locale(lang)) if day else ""


def label(value, *, lang: str | None = None) -> str:
    """The name of a row in a table of figures: a month in words ("grudzień 2026"), anything else as text (a year
    stays "2026", not "2 026")."""
    if value is None:
        return ""
    return month(value, lang=lang) if isinstance(value, Month) else str(value)


def yes_no(value, *, lang: str | None = None) -> str:
    """A yes/no for people: "Tak" / "Nie" ("Yes" / "No"); "1", "true" and "tak" count as yes, empty as nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = value.strip().lower() in ("1", "true", "t", "yes", "y", "tak")
    with override(lang or get_language() or "pl"):
        return pgettext("yes or no", "Yes") if value else pgettext("yes or no", "No")


def _decimal_text(value) -> Decimal | None:
    """A number from a cell that may already be written the Polish way ("4,50", "12 240,00")."""
    if isinstance(value, str):
        text = value.replace(NBSP, "").replace("\u202f", "").replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        value = text
    return _number(value)


def cell(value, kind: str = "", *, places: int = 2, lang: str | None = None) -> str:
    """One cell of a table or CSV meant for people: `kind` "money", "percent", "number", "date", "datetime",
    "bool" or "" (guessed from the value's type: a bool, a date, a number). Text stays as it is."""
    if value is None or value == "":
        return ""
    if kind == "month" or (not kind and isinstance(value, Month)):
        return month(value, lang=lang)
    if kind == "bool" or (not kind and isinstance(value, bool)):
        return yes_no(value, lang=lang)
    if kind == "datetime" or (not kind and isinstance(value, dt.datetime)):
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
        return short_datetime(value, lang=lang)
    if kind == "date" or (not kind and isinstance(value, dt.date)):
        return short_date(value, lang=lang) or str(value)
    if kind in ("money", "percent", "number") or (not kind and isinstance(value, int | float | Decimal)):
        n = _decimal_text(value)
        if n is None:
            return str(value)
        if kind == "money":
            return money(n, lang=lang)
        if kind == "percent":
            return percent(n, lang=lang)
        if not kind and isinstance(value, int):
            places = 0
        return number(n, places, lang=lang)
    return value if isinstance(value, str) else str(value)
