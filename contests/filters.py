import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet

from .models import Contest, Entry, Score, Vote, VotingRound


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within the database's range: a fraction or an overflow is a 400, not a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class ContestFilter(PortalFilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")
    year = IntegerFilter(min_value=2000, max_value=2100)

    class Meta:
        model = Contest
        fields = ["centre", "kind", "year"]


class EntryFilter(PortalFilterSet):
    class Meta:
        model = Entry
        fields = ["contest", "status"]


class RoundFilter(PortalFilterSet):
    class Meta:
        model = VotingRound
        fields = ["contest"]


class VoteFilter(PortalFilterSet):
    voided = django_filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True,
                                          label=_("Voided"))

    class Meta:
        model = Vote
        fields = ["round", "entry"]


class ScoreFilter(PortalFilterSet):
    contest = IntegerFilter(field_name="entry__contest")

    class Meta:
        model = Score
        fields = ["contest", "entry", "criterion"]
