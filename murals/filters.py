"""Filters of the mural API; a value of the wrong type is a 400 with the field named, not a 500."""

import django_filters
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from core.filters import PortalFilterSet

from .models import Artist, Mural, Wall


class MuralFilter(PortalFilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte", label=_("Year from"))
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte", label=_("Year to"))
    artist = django_filters.NumberFilter(field_name="artists")
    sponsor = django_filters.NumberFilter(field_name="sponsors")
    on_trail = django_filters.BooleanFilter(field_name="trail_order", lookup_expr="isnull", exclude=True,
                                            label=_("On the trail"))
    has_coordinates = django_filters.BooleanFilter(field_name="latitude", lookup_expr="isnull", exclude=True,
                                                   label=_("With a place on the map"))

    class Meta:
        model = Mural
        fields = ["centre", "year", "year_from", "year_to", "status", "zone", "wall", "artist", "sponsor", "on_trail",
                  "has_coordinates"]


class TrailFilter(PortalFilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())

    class Meta:
        model = Mural
        fields = ["centre"]


class WallFilter(PortalFilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())
    has_contest = django_filters.BooleanFilter(field_name="contest", lookup_expr="isnull", exclude=True,
                                               label=_("With a design contest"))

    class Meta:
        model = Wall
        fields = ["centre", "zone", "contest", "has_contest"]


class ArtistFilter(PortalFilterSet):
    centre = django_filters.ModelChoiceFilter(field_name="centre", to_field_name="slug",
                                              queryset=Centre.objects.all())

    class Meta:
        model = Artist
        fields = ["centre"]
