"""Every filter form (the API's filters in the browsable API, a page's filter bar) speaks to people: written labels
(the field's name, not django-filter's joined path "Partner firma kategoria" or a slug), "wszystkie" as the empty
choice of every select, never "---------" or "Nieznany" (issue 14)."""

from __future__ import annotations

import pytest
from django.utils import translation

from centres import filters as centres_filters
from contests import filters as contests_filters
from core.filters import PortalFilterSet
from loyalty import filters as loyalty_filters
from murals import filters as murals_filters

pytestmark = pytest.mark.django_db

FILTERSETS = [cls for module in (centres_filters, loyalty_filters, contests_filters, murals_filters)
              for cls in vars(module).values()
              if isinstance(cls, type) and issubclass(cls, PortalFilterSet) and cls is not PortalFilterSet]


def test_every_filter_set_of_the_apps_is_a_portal_filter_set():
    import django_filters

    plain = [cls.__qualname__ for module in (centres_filters, loyalty_filters, contests_filters, murals_filters)
             for cls in vars(module).values() if isinstance(cls, type) and issubclass(cls, django_filters.FilterSet)
             and not issubclass(cls, PortalFilterSet)]
    assert plain == [] and len(FILTERSETS) >= 12


@pytest.mark.parametrize("filterset", FILTERSETS, ids=lambda cls: cls.__name__)
def test_filter_form_has_written_labels_and_wszystkie(filterset, zone):
    with translation.override("pl"):
        form = filterset().form
        html = str(form)
        labels = {name: str(field.label) for name, field in form.fields.items()}
    assert "---------" not in html and "Nieznany" not in html
    for name, label in labels.items():
        assert "_" not in label and "slug" not in label.lower(), (name, label)
        assert label[:1].isupper(), (name, label)
        assert not label.lower().startswith(("partner firma", "firma ulica", "strefa centrum")), (name, label)
    if "<select" in html:
        assert ">wszystkie<" in html


def test_labels_name_the_field_a_path_leads_to():
    with translation.override("pl"):
        labels = {n: str(f.label) for n, f in centres_filters.BusinessFilter().form.fields.items()}
        mural = {n: str(f.label) for n, f in murals_filters.MuralFilter().form.fields.items()}
    assert labels["street"] == "Ulica" and labels["centre"] == "Centrum"
    assert mural["year_from"] == "Rok od" and mural["on_trail"] == "Na szlaku"
