import django_filters

from .models import Business, FeeRate, Zone


class ZoneFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")

    class Meta:
        model = Zone
        fields = ["centre", "kind"]


class BusinessFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")
    street = django_filters.CharFilter(field_name="street__name", lookup_expr="iexact")

    class Meta:
        model = Business
        fields = ["centre", "zone", "category", "street", "is_active"]


class FeeRateFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="zone__centre__slug")

    class Meta:
        model = FeeRate
        fields = ["centre", "zone", "use"]
