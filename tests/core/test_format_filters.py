"""The format filters print what a Polish (or English) reader expects, never "12240.00 PLN" or "2027-05-01"."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

NB = "\xa0"


def render(source: str, lang: str, **context) -> str:
    with translation.override(lang):
        return Template("{% load formats %}" + source).render(Context(context))


@pytest.mark.parametrize(("lang", "expected"), [("pl", f"12{NB}240,00{NB}zł"), ("en", f"PLN{NB}12,240.00")])
def test_money_has_thousands_space_and_decimal_comma_in_polish(lang, expected):
    assert render("{{ v|money }}", lang, v=Decimal("12240.00")) == expected


def test_money_rounds_to_the_grosz():
    assert render("{{ v|money }}", "pl", v=Decimal("1224")) == f"1{NB}224,00{NB}zł"


@pytest.mark.parametrize(("value", "expected"), [(Decimal("10.00"), "10%"), (Decimal("12.50"), "12,5%"), (7, "7%")])
def test_percent_drops_trailing_zeros(value, expected):
    assert render("{{ v|percent }}", "pl", v=value) == expected


@pytest.mark.parametrize(("lang", "expected"), [("pl", "1 maja 2027"), ("en", "1 May 2027")])
def test_long_date_uses_the_genitive_month_in_polish(lang, expected):
    assert render("{{ d|longdate }}", lang, d=dt.date(2027, 5, 1)) == expected


@pytest.mark.parametrize(("lang", "expected"), [("pl", "01.05.2027"), ("en", "01/05/2027")])
def test_short_date(lang, expected):
    assert render("{{ d|shortdate }}", lang, d=dt.date(2027, 5, 1)) == expected


def test_datetime_is_shown_in_warsaw_time():
    moment = dt.datetime(2027, 4, 30, 22, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 1 May in Warsaw
    assert render("{{ t|longdatetime }}", "pl", t=moment) == "1 maja 2027, 00:30"
    assert render("{{ t|shortdatetime }}", "pl", t=moment) == "01.05.2027 00:30"


@pytest.mark.parametrize(("lang", "expected"), [("pl", f"1,50{NB}m"), ("en", f"1.50{NB}m")])
def test_measure(lang, expected):
    assert render("{{ v|measure:'m' }}", lang, v=Decimal("1.5")) == expected


def test_area_measure_and_whole_number():
    assert render("{{ v|measure:'m²' }} · {{ n|number:0 }}", "pl", v=Decimal("12"), n=41328) == \
        f"12,00{NB}m² · 41{NB}328"


def test_empty_values_print_nothing():
    assert render("[{{ v|money }}{{ v|longdate }}{{ v|percent }}]", "pl", v=None) == "[]"


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (Decimal("59236.80"), "PLN", f"59{NB}236,80{NB}zł"), (Decimal("105.00"), "m²", f"105,00{NB}m²"),
    (2598, "", f"2{NB}598"), (Decimal("4.00"), "", "4"), ("Szeroka", "", "Szeroka"), (None, "", "–")])
def test_chart_figures_in_polish(value, unit, expected):
    assert render("{{ v|figure:u }}", "pl", v=value, u=unit) == expected


def test_chart_figure_of_a_day_is_a_polish_date():
    assert render("{{ v|figure }}", "pl", v=dt.date(2026, 11, 28)) == "28.11.2026"
