import django_filters

from .models import AestheticRule, GardenApplication, Inspection, Season


class SeasonFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")

    class Meta:
        model = Season
        fields = ["centre", "year"]


class RuleFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="season__centre__slug")
    year = django_filters.NumberFilter(field_name="season__year")

    class Meta:
        model = AestheticRule
        fields = ["centre", "year", "season", "category", "checked_by"]


class ApplicationFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="season__centre__slug")
    year = django_filters.NumberFilter(field_name="season__year")

    class Meta:
        model = GardenApplication
        fields = ["centre", "year", "season", "status", "zone", "business"]


class PermitFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="season__centre__slug")
    year = django_filters.NumberFilter(field_name="season__year")
    street = django_filters.CharFilter(field_name="street__name", lookup_expr="iexact")

    class Meta:
        model = GardenApplication
        fields = ["centre", "year", "zone", "street"]


class InspectionFilter(django_filters.FilterSet):
    class Meta:
        model = Inspection
        fields = ["application"]
