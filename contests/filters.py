import django_filters
from django import forms

from .models import Contest, Entry, Score, Vote, VotingRound


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within the database's range: a fraction or an overflow is a 400, not a 500."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(*args, **kwargs)


class ContestFilter(django_filters.FilterSet):
    centre = django_filters.CharFilter(field_name="centre__slug")
    year = IntegerFilter(min_value=2000, max_value=2100)

    class Meta:
        model = Contest
        fields = ["centre", "kind", "year"]


class EntryFilter(django_filters.FilterSet):
    class Meta:
        model = Entry
        fields = ["contest", "status"]


class RoundFilter(django_filters.FilterSet):
    class Meta:
        model = VotingRound
        fields = ["contest"]


class VoteFilter(django_filters.FilterSet):
    voided = django_filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Vote
        fields = ["round", "entry"]


class ScoreFilter(django_filters.FilterSet):
    contest = IntegerFilter(field_name="entry__contest")

    class Meta:
        model = Score
        fields = ["contest", "entry", "criterion"]
