import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centres.models import Business, Zone
from core.filters import PortalFilterSet

from .models import Card, Check, Partner, Perk

# The empty choice of a filter: "all" of them (Polish "wszystkie"), not Django's "---------".
ANY = pgettext_lazy("filter: no choice", "all")


class PerkFilter(PortalFilterSet):
    centre = django_filters.CharFilter(field_name="partner__centre__slug", label=_("Centre"))
    category = django_filters.ChoiceFilter(field_name="partner__business__category", label=_("Category"),
                                           choices=Business.Category.choices, empty_label=ANY)
    street = django_filters.CharFilter(field_name="partner__business__street__name", lookup_expr="iexact",
                                       label=_("Street"))
    zone = django_filters.ModelChoiceFilter(field_name="partner__business__zone", to_field_name="slug",
                                            queryset=Zone.objects.order_by("name"), label=_("Zone"), empty_label=ANY)
    kind = django_filters.ChoiceFilter(field_name="kind", choices=Perk.Kind.choices, label=_("Kind of perk"),
                                       empty_label=ANY)
    partner = django_filters.NumberFilter(field_name="partner_id", min_value=1, label=_("Partner"))

    class Meta:
        model = Perk
        fields = ["centre", "category", "street", "zone", "kind", "partner"]


class PartnerFilter(PortalFilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug", label=_("Centre"))
    category = django_filters.ChoiceFilter(field_name="business__category", choices=Business.Category.choices,
                                           label=_("Category"), empty_label=ANY)
    street = django_filters.CharFilter(field_name="business__street__name", lookup_expr="iexact", label=_("Street"))
    zone = django_filters.ModelChoiceFilter(field_name="business__zone", to_field_name="slug",
                                            queryset=Zone.objects.order_by("name"), label=_("Zone"), empty_label=ANY)

    class Meta:
        model = Partner
        fields = ["centre", "category", "street", "zone"]


class CardFilter(PortalFilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")

    class Meta:
        model = Card
        fields = ["centre", "status"]


class CheckFilter(PortalFilterSet):
    partner = django_filters.NumberFilter(field_name="partner_id", min_value=1)
    since = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("From day"))
    until = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=_("To day"))

    class Meta:
        model = Check
        fields = ["partner", "result", "accepted", "since", "until"]
