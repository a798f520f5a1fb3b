"""The perk filters speak to people: written labels, "wszystkie" as the empty choice, no field paths or slugs."""

import pytest
from django.test import Client
from django.utils import translation

from loyalty.filters import PartnerFilter, PerkFilter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filterset", [PerkFilter, PartnerFilter])
def test_filter_form_has_written_labels_and_wszystkie(filterset, zone):
    with translation.override("pl"):
        form = filterset().form
        labels = {name: str(field.label) for name, field in form.fields.items()}
        html = str(form)
    assert labels["category"] == "Kategoria" and labels["street"] == "Ulica" and labels["zone"] == "Strefa"
    assert "Partner firma" not in html and "slug" not in html and "---------" not in html
    assert form.fields["zone"].empty_label == "wszystkie" or "wszystkie" in html
    assert zone.name in html, "zones are chosen by name"


def test_perk_list_page_shows_the_labels_and_filters_by_zone(zone):
    body = Client().get("/moja-starowka/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Rodzaj oferty" in body and ">wszystkie<" in body and "Partner firma" not in body
    assert Client().get(f"/moja-starowka/?zone={zone.slug}").status_code == 200
