"""The dashboard's bars are HTML: a long name is printed whole (it wraps, it is not cut or run over the bar), the
value has its own column in the language's format, and the bar's length is a CSS width that a Polish page does not
turn into "33,3%" (issue 14)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import BusinessFactory, StaffFactory, ZoneFactory

pytestmark = pytest.mark.django_db
LONG = "Strefa ochrony konserwatorskiej Zespołu Staromiejskiego i Nowomiejskiego wraz z bulwarem"


def dashboard(centre, lang: str) -> str:
    staff = StaffFactory(centres=[centre])
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(staff)
    response = client.get(reverse("office:dashboard"), {"centre": centre.slug})
    assert response.status_code == 200
    return response.content.decode()


def chart(html: str, key: str) -> str:
    start = html.index(f'aria-labelledby="chart-{key}"')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a_long_name_is_printed_whole_beside_its_bar(centre, lang):
    BusinessFactory.create_batch(3, centre=centre, zone=ZoneFactory(centre=centre, name=LONG))
    BusinessFactory(centre=centre, zone=ZoneFactory(centre=centre, name="Rynek"))
    bars = chart(dashboard(centre, lang), "businesses-per-zone")
    assert "<svg" not in bars
    assert f'<span class="bar-label">{LONG}</span>' in bars
    widths = re.findall(r'class="bar-fill" style="width: ([^%"]+)%"', bars)
    assert widths == ["100.0", "33.3"], "CSS widths with a decimal point, in Polish too"
    assert re.findall(r'<span class="bar-value">([^<]+)</span>', bars) == ["3", "1"]


def test_a_bar_of_nothing_draws_no_stub(centre):
    bars = chart(dashboard(centre, "pl"), "applications-waiting")
    assert "bar-fill" not in bars or 'style="width: 0' not in bars
