"""API shapes of the contest engine."""

from __future__ import annotations

from django.utils.text import capfirst
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import ChoiceLabel, datetime_text, label_text, percent_text
from core.serializers import PlainFieldsSerializer

from .models import Contest, Criterion, Entry, EntryImage, Nomination, Phase, Score, Vote, VotingRound

# Services refuse with stable codes (core.errors.Code) on these fields (e.g. "entry_not_eligible"); naming one
# here documents that the service may refuse the value (drf-standardized-errors lists each field's codes).
SERVICE_ERROR = {"invalid": "The service refused this value."}


class PhaseSerializer(serializers.ModelSerializer):
    is_open = serializers.SerializerMethodField()
    kind_label = label_text("get_kind_display", "The phase")
    starts_at_display = datetime_text("starts_at", "When the phase opens")
    ends_at_display = datetime_text("ends_at", "When the phase closes")

    class Meta:
        model = Phase
        fields = ["kind", "kind_label", "starts_at", "starts_at_display", "ends_at", "ends_at_display",
                  "closed_early_at", "is_open"]

    def get_is_open(self, phase: Phase) -> bool:
        return phase.is_open()


class ContestSerializer(serializers.ModelSerializer):
    centre = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.CharField(read_only=True)
    tie_rule = serializers.CharField(read_only=True)
    phases = PhaseSerializer(many=True, read_only=True)
    current_phase = serializers.SerializerMethodField()
    kind_label = label_text("get_kind_display", "The kind of contest")
    ranking_method_label = label_text("get_ranking_method_display", "The ranking method")
    current_phase_label = serializers.SerializerMethodField(
        help_text="The current phase in words, in the client's language; null between phases.")
    results_published_at_display = datetime_text("results_published_at", "When the results were published")

    class Meta:
        model = Contest
        fields = ["id", "centre", "kind", "kind_label", "slug", "year", "title", "title_pl", "title_en", "rules_pl",
                  "rules_en", "prizes_pl", "prizes_en", "ranking_method", "ranking_method_label", "public_weight",
                  "tie_rule", "phases", "current_phase", "current_phase_label", "results_published_at",
                  "results_published_at_display"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_current_phase(self, contest: Contest) -> str | None:
        phase = contest.current_phase()
        return phase.kind if phase else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_current_phase_label(self, contest: Contest) -> str | None:
        phase = contest.current_phase()
        return phase.get_kind_display() if phase else None


class EntryImageSerializer(serializers.ModelSerializer):
    class Meta:
        model = EntryImage
        fields = ["image", "alt_text"]


class EntrySerializer(serializers.ModelSerializer):
    images = EntryImageSerializer(many=True, read_only=True)
    nomination_count = serializers.IntegerField(read_only=True)
    relation = serializers.ChoiceField(choices=Nomination.Relation.choices, write_only=True, required=False,
                                       help_text="Green-garden contest: how the nominator knows the garden.")
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=2000)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  error_messages={**SERVICE_ERROR, "blank": "This field may not be blank."})
    status_label = ChoiceLabel(Entry.Status.choices, source="status",
                               help_text="The entry's status in words, in the client's language.")

    class Meta:
        model = Entry
        fields = ["id", "contest", "title", "description", "garden", "status", "status_label", "ineligible_reason",
                  "nomination_count", "images", "attachment", "created_at", "relation", "reason"]
        read_only_fields = ["status", "ineligible_reason", "attachment", "created_at"]
        extra_kwargs = {"description": {"required": False}, "garden": {"error_messages": SERVICE_ERROR},
                        "contest": {"error_messages": SERVICE_ERROR}}


class EntryStatusSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=Entry.Status.choices, error_messages=SERVICE_ERROR)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class VotingRoundSerializer(serializers.ModelSerializer):
    entries = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    is_open = serializers.SerializerMethodField()
    has_votes = serializers.SerializerMethodField()

    class Meta:
        model = VotingRound
        fields = ["id", "contest", "number", "name", "starts_at", "ends_at", "eligibility", "eligible_voters",
                  "is_open", "has_votes", "entries"]
        read_only_fields = ["contest"]
        validators: list = []  # the service decides (dates, frozen rules)

    def get_is_open(self, voting_round: VotingRound) -> bool:
        return voting_round.is_open()

    def get_has_votes(self, voting_round: VotingRound) -> bool:
        """With a vote, the round's rules are frozen."""
        from .services import round_has_votes

        return round_has_votes(voting_round)


class ResultRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    entry_id = serializers.IntegerField()
    title = serializers.CharField()
    online_votes = serializers.IntegerField()
    paper_votes = serializers.IntegerField()
    voided = serializers.IntegerField()
    total_votes = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=6, decimal_places=2)
    percent_display = percent_text("percent", "The share of the votes")


class RoundResultsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    total_votes = serializers.IntegerField()
    eligible_voters = serializers.IntegerField(allow_null=True)
    web_valid = serializers.IntegerField()
    web_void = serializers.IntegerField()
    paper_valid = serializers.IntegerField()
    paper_void = serializers.IntegerField()
    rows = ResultRowSerializer(many=True)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    entry_id = serializers.IntegerField(source="entry.pk")
    title = serializers.CharField()
    public_votes = serializers.IntegerField()
    public_points = serializers.DecimalField(max_digits=6, decimal_places=2)
    commission_score = serializers.DecimalField(max_digits=6, decimal_places=2)
    final_score = serializers.DecimalField(max_digits=6, decimal_places=2)


class ContestResultsSerializer(serializers.Serializer):
    published = serializers.BooleanField()
    version = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    corrected_at = serializers.DateTimeField(allow_null=True)
    correction_reason = serializers.CharField(allow_blank=True)
    counting_rule = serializers.CharField()
    tie_rule = serializers.CharField()
    scoring_rule = serializers.CharField(allow_blank=True)
    rounds = RoundResultsSerializer(many=True)
    ranking = RankingRowSerializer(many=True)


class IdField(serializers.PrimaryKeyRelatedField):
    """A related object given by its id, checked here for its type only (no query): the service says whether it
    exists and may be used (a vote reads its round from memory and checks the entry in its own insert)."""

    MAX_ID = 2**63 - 1

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            value = int(data)
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= value <= self.MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return value


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)  # as a ModelSerializer labels a field


# A vote's fields are declared, not built from the model as a ModelSerializer does on every request (6 % of a
# vote's CPU on voting day). One vote per round is the service's (and the database's) rule.
class VoteSerializer(PlainFieldsSerializer):
    id = serializers.IntegerField(read_only=True)
    round = IdField(queryset=VotingRound.objects.all(), error_messages=SERVICE_ERROR)
    entry = IdField(queryset=Entry.objects.all(), error_messages=SERVICE_ERROR)
    created_at = serializers.DateTimeField(read_only=True, label=_label(Vote, "created_at"))
    is_voided = serializers.BooleanField(read_only=True)
    voided_at = serializers.DateTimeField(read_only=True, allow_null=True, label=_label(Vote, "voided_at"))
    void_reason = serializers.CharField(read_only=True, label=_label(Vote, "void_reason"))


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ScoreSerializer(serializers.ModelSerializer):
    entry = serializers.PrimaryKeyRelatedField(queryset=Entry.objects.all(), error_messages=SERVICE_ERROR)
    criterion = serializers.PrimaryKeyRelatedField(queryset=Criterion.objects.all(), error_messages=SERVICE_ERROR)
    juror = serializers.CharField(source="juror.user.get_full_name", read_only=True)

    class Meta:
        model = Score
        fields = ["id", "entry", "criterion", "juror", "value", "comment", "created_at"]
        read_only_fields = ["created_at"]
        validators: list = []
