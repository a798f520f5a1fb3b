import django_filters

from centres.models import Business

from .models import Card, Check, Partner, Perk


class PerkFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="partner__centre__slug")
    category = django_filters.ChoiceFilter(field_name="partner__business__category",
                                           choices=Business.Category.choices)
    street = django_filters.CharFilter(field_name="partner__business__street__name", lookup_expr="iexact")
    zone = django_filters.CharFilter(field_name="partner__business__zone__slug", label="zone (slug)")
    partner = django_filters.NumberFilter(field_name="partner_id", min_value=1)

    class Meta:
        model = Perk
        fields = ["centre", "category", "street", "zone", "kind", "partner"]


class PartnerFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")
    category = django_filters.ChoiceFilter(field_name="business__category", choices=Business.Category.choices)
    street = django_filters.CharFilter(field_name="business__street__name", lookup_expr="iexact")
    zone = django_filters.CharFilter(field_name="business__zone__slug")

    class Meta:
        model = Partner
        fields = ["centre", "category", "street", "zone"]


class CardFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")

    class Meta:
        model = Card
        fields = ["centre", "status"]


class CheckFilter(django_filters.FilterSet):
    partner = django_filters.NumberFilter(field_name="partner_id", min_value=1)
    since = django_filters.DateFilter(field_name="day", lookup_expr="gte")
    until = django_filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = Check
        fields = ["partner", "result", "accepted", "since", "until"]
