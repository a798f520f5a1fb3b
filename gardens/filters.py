import django_filters
from django.utils.translation import pgettext_lazy

from .models import AestheticRule, GardenApplication, Inspection, Season


class LabelledFilterSet(django_filters.FilterSet):
    """A filter's empty choice reads "Show all" (in the browsable API's filter form), never "---------"."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if getattr(field, "empty_label", None) is not None:
                field.empty_label = pgettext_lazy("filter choice", "Show all")
        return form


class SeasonFilter(LabelledFilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")

    class Meta:
        model = Season
        fields = ["centre", "year"]


class RuleFilter(LabelledFilterSet):
    centre = django_filters.CharFilter(field_name="season__centre__slug")
    year = django_filters.NumberFilter(field_name="season__year")

    class Meta:
        model = AestheticRule
        fields = ["centre", "year", "season", "category", "checked_by"]


class ApplicationFilter(LabelledFilterSet):
    centre = django_filters.CharFilter(field_name="season__centre__slug")
    year = django_filters.NumberFilter(field_name="season__year")

    class Meta:
        model = GardenApplication
        fields = ["centre", "year", "season", "status", "zone", "business"]


class PermitFilter(LabelledFilterSet):
    centre = django_filters.CharFilter(field_name="season__centre__slug")
    year = django_filters.NumberFilter(field_name="season__year")
    street = django_filters.CharFilter(field_name="street__name", lookup_expr="iexact")

    class Meta:
        model = GardenApplication
        fields = ["centre", "year", "zone", "street"]


class InspectionFilter(LabelledFilterSet):
    class Meta:
        model = Inspection
        fields = ["application"]
