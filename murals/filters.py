"""Filters of the mural API; a value of the wrong type is a 400 with the field named, not a 500."""

import django_filters

from centres.models import Centre

from .models import Artist, Mural, Wall


class MuralFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte")
    artist = django_filters.NumberFilter(field_name="artists")
    sponsor = django_filters.NumberFilter(field_name="sponsors")
    on_trail = django_filters.BooleanFilter(field_name="trail_order", lookup_expr="isnull", exclude=True)
    has_coordinates = django_filters.BooleanFilter(field_name="latitude", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Mural
        fields = ["centre", "year", "year_from", "year_to", "status", "zone", "wall", "artist", "sponsor", "on_trail",
                  "has_coordinates"]


class TrailFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())

    class Meta:
        model = Mural
        fields = ["centre"]


class WallFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())
    has_contest = django_filters.BooleanFilter(field_name="contest", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Wall
        fields = ["centre", "zone", "contest", "has_contest"]


class ArtistFilter(django_filters.FilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())

    class Meta:
        model = Artist
        fields = ["centre"]
