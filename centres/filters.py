import django_filters

from core.filters import PortalFilterSet

from .models import Business, FeeRate, Zone


class ZoneFilter(PortalFilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")

    class Meta:
        model = Zone
        fields = ["centre", "kind"]


class BusinessFilter(PortalFilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")
    street = django_filters.CharFilter(field_name="street__name", lookup_expr="iexact")

    class Meta:
        model = Business
        fields = ["centre", "zone", "category", "street", "is_active"]


class FeeRateFilter(PortalFilterSet):
    centre = django_filters.CharFilter(field_name="zone__centre__slug")

    class Meta:
        model = FeeRate
        fields = ["centre", "zone", "use"]
