"""Every gardens form and filter names its empty choice in words ("Choose the zone"), never "---------"."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from gardens import filters
from gardens.forms import ApplicationForm, FeeQuoteForm
from gardens.models import GardenApplication
from tests.factories import MembershipFactory
from tests.gardens.factories import SeasonFactory

DASHES = "---------"


def test_fee_quote_page_offers_a_written_empty_zone_choice_in_polish(zone, centre):
    SeasonFactory(centre=centre, year=2027)
    page = Client(HTTP_ACCEPT_LANGUAGE="pl").get(reverse("gardens:fee-quote")).content.decode()
    assert DASHES not in page
    assert '<option value="" selected>Wybierz strefę</option>' in page


def test_application_form_has_no_dashed_empty_choices(business, centre):
    SeasonFactory(centre=centre, year=2027)
    owner = MembershipFactory(business=business).user
    MembershipFactory(business__centre=centre, user=owner)  # two businesses: the business choice is shown
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(owner)
    page = client.get(reverse("gardens:apply")).content.decode()
    assert DASHES not in page
    assert "Choose the street" in page


@pytest.mark.parametrize("form_class", [FeeQuoteForm, ApplicationForm])
def test_gardens_forms_name_every_empty_choice(form_class, centre):
    with translation.override("en"):
        form = form_class(centre=centre) if form_class is FeeQuoteForm else form_class(
            centre=centre, businesses=centre.businesses.all())
        labels = [str(label) for field in form.fields.values() for _value, label in getattr(field, "choices", [])]
    assert DASHES not in labels


@pytest.mark.parametrize("filterset", [filters.SeasonFilter, filters.RuleFilter, filters.ApplicationFilter,
                                       filters.PermitFilter, filters.InspectionFilter])
def test_gardens_filters_show_all_instead_of_dashes(filterset, db):
    queryset = filterset._meta.model.objects.all()
    with translation.override("pl"):
        form = filterset(data={}, queryset=queryset).form
        labels = [str(label) for field in form.fields.values() for _value, label in getattr(field, "choices", [])]
    assert DASHES not in labels
    if any(getattr(field, "empty_label", None) for field in form.fields.values()):
        assert "Pokaż wszystkie" in labels


def test_application_filter_status_reads_show_all(db):
    form = filters.ApplicationFilter(data={}, queryset=GardenApplication.objects.all()).form
    assert next(str(label) for _v, label in form.fields["status"].choices) == "Show all"
