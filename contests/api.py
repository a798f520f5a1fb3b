"""API of the contests: contests with results, entries (submit, nominate, staff status moves), voting rounds,
the voter's own votes (staff void them) and the juror's own scores. Registered on the shared router."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import CursorPagination, router

from . import selectors, services
from .filters import ContestFilter, EntryFilter, RoundFilter, ScoreFilter, VoteFilter
from .models import Entry, JuryMember, Vote, VotingRound
from .serializers import (
    ContestResultsSerializer,
    ContestSerializer,
    EntrySerializer,
    EntryStatusSerializer,
    RoundResultsSerializer,
    ScoreSerializer,
    VoidSerializer,
    VoteSerializer,
    VotingRoundSerializer,
)


def _round_payload(block: selectors.RoundBlock) -> dict:
    return {"round": block.round.pk, "number": block.round.number, "name": block.round.label,
            "total_votes": block.total, "eligible_voters": block.eligible_voters, "web_valid": block.web_valid,
            "web_void": block.web_void, "paper_valid": block.paper_valid, "paper_void": block.paper_void,
            "rows": [{"rank": r.rank, "entry_id": r.entry_id, "title": r.title, "online_votes": r.web_votes,
                      "paper_votes": r.paper_votes, "voided": r.voided, "total_votes": r.total_votes,
                      "percent": r.percent} for r in block.rows if r.rank is not None]}


def _results_for(contest, user, version: int | None = None) -> selectors.ContestResults:
    """The published snapshot; staff of the centre see the live figures before publication."""
    published = selectors.published_results(contest=contest, version=version)
    if published is not None:
        return published
    if version is None and selectors.results_visible(contest=contest, user=user):
        return selectors.compute_results(contest=contest)
    raise Http404


class ContestViewSet(viewsets.ReadOnlyModelViewSet):
    """Contests of every centre with their phases. Results appear once published (staff of the centre: always)."""

    serializer_class = ContestSerializer
    filterset_class = ContestFilter
    search_fields = ["title_pl", "title_en"]
    ordering_fields = ["year", "title_pl"]

    def get_queryset(self) -> QuerySet:
        return selectors.contest_list().order_by("-year", "pk")

    @extend_schema(responses={200: ContestResultsSerializer, 404: OpenApiResponse(description="Not published.")})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def results(self, request: Request, pk: str | None = None) -> Response:
        """The published results (the snapshot recorded at publication; after a correction the latest version,
        with `version` and `corrected_at`); before publication only staff of the centre see the live figures."""
        contest = self.get_object()
        results = _results_for(contest, request.user)
        publication = results.publication
        data = {"published": publication is not None, "version": publication.version if publication else None,
                "published_at": publication.published_at if publication else None,
                "corrected_at": publication.published_at if results.corrected else None,
                "correction_reason": publication.reason if results.corrected else "",
                "counting_rule": results.counting_rule, "tie_rule": results.tie_rule,
                "scoring_rule": results.scoring_rule,
                "rounds": [_round_payload(block) for block in results.rounds], "ranking": results.ranking}
        return Response(ContestResultsSerializer(data).data)


class EntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Entries: the public sees accepted ones; entrants their own; staff of the centre all. Anyone with an account
    submits an entry or nominates a garden while entries are open (the same garden's nominations merge)."""

    serializer_class = EntrySerializer
    filterset_class = EntryFilter
    search_fields = ["title"]
    ordering_fields = ["created_at", "title"]

    def get_queryset(self) -> QuerySet:
        return selectors.entries_for_user(self.request.user).order_by("contest_id", "created_at", "pk")

    def perform_create(self, serializer: EntrySerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.submit_entry(
            contest=data["contest"], by=self.request.user, title=data.get("title", ""),
            description=data.get("description", ""), images=[], garden=data.get("garden"),
            relation=data.get("relation", "resident"), reason=data.get("reason", ""))
        serializer.instance = selectors.entry_list().get(pk=serializer.instance.pk)

    @extend_schema(request=EntryStatusSerializer, responses={200: EntrySerializer})
    @action(detail=True, methods=["post"], url_path="status", permission_classes=[IsAuthenticated],
            filter_backends=[], pagination_class=None)
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        """Staff move an entry along the workflow (eligible, ineligible with a reason, shortlist, finalist,
        winner); the entrant is e-mailed."""
        entry = self.get_object()
        body = EntryStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.set_entry_status(entry=entry, to=body.validated_data["to"], by=request.user,
                                  reason=body.validated_data.get("reason", ""))
        return Response(EntrySerializer(selectors.entry_list().get(pk=entry.pk), context={"request": request}).data)


class VotingRoundViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Public voting rounds with their dates, who may vote and their entries. Staff of the centre change a round
    (PATCH) through the service: once it has a vote its start, eligibility and number are fixed and its end may
    only be extended before it passes (400 `round_frozen`)."""

    serializer_class = VotingRoundSerializer
    filterset_class = RoundFilter
    ordering_fields = ["starts_at", "number"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet:
        return (VotingRound.objects.select_related("contest").prefetch_related("entries")
                .order_by("contest_id", "number"))

    def get_permissions(self):
        if self.action in ("update", "partial_update"):
            return [IsAuthenticated()]
        return super().get_permissions()

    def perform_update(self, serializer: VotingRoundSerializer) -> None:
        serializer.instance = services.update_round(voting_round=serializer.instance, by=self.request.user,
                                                    **serializer.validated_data)

    @extend_schema(responses={200: RoundResultsSerializer, 404: OpenApiResponse(description="Not published.")})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def results(self, request: Request, pk: str | None = None) -> Response:
        voting_round = self.get_object()
        results = _results_for(voting_round.contest, request.user)
        block = next((b for b in results.rounds if b.round.pk == voting_round.pk), None)
        if block is None:
            raise Http404
        return Response(RoundResultsSerializer(_round_payload(block)).data)


class VoteViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The voter's own votes (staff: every vote of their centres, voided ones included). One vote per round."""

    serializer_class = VoteSerializer
    filterset_class = VoteFilter
    permission_classes = [IsAuthenticated]
    # No cached token identity (core.tokens): a resident votes once per round, usually with a token just made at
    # log-in, so a cached identity would be a miss and a store (two cache round trips) around the same query.
    cache_token_identity = False
    pagination_class = CursorPagination
    ordering_fields: list[str] = []

    def get_queryset(self) -> QuerySet:
        return selectors.votes_for_user(self.request.user)

    def get_throttles(self):
        if self.action == "create":
            self.throttle_scope = "vote"
        return super().get_throttles()

    def perform_create(self, serializer: VoteSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.cast_vote(voting_round=data["round"], entry=data["entry"],
                                                 voter=self.request.user)

    @extend_schema(request=VoidSerializer, responses={200: VoteSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def void(self, request: Request, pk: str | None = None) -> Response:
        """Staff void a vote with a reason; it leaves the results and stays listed."""
        vote: Vote = self.get_object()
        body = VoidSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vote = services.void_vote(vote=vote, by=request.user, reason=body.validated_data["reason"])
        return Response(VoteSerializer(vote).data)


class ScoreViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A juror's own scores (all jurors' once the review closed; staff of the centre: all). One score per entry
    and criterion."""

    serializer_class = ScoreSerializer
    filterset_class = ScoreFilter
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at"]

    def get_queryset(self) -> QuerySet:
        return selectors.visible_scores(user=self.request.user).order_by("entry_id", "criterion_id", "pk")

    def perform_create(self, serializer: ScoreSerializer) -> None:
        data = serializer.validated_data
        entry: Entry = data["entry"]
        seat = JuryMember.objects.select_related("contest").filter(contest_id=entry.contest_id,
                                                                   user=self.request.user).first()
        if seat is None:
            raise PermissionDenied("You are not on this contest's jury.")
        serializer.instance = services.score_entry(juror=seat, entry=entry, criterion=data["criterion"],
                                                   value=data["value"], comment=data.get("comment", ""))


router.register("contests/contests", ContestViewSet, basename="contest")
router.register("contests/entries", EntryViewSet, basename="contest-entry")
router.register("contests/rounds", VotingRoundViewSet, basename="contest-round")
router.register("contests/votes", VoteViewSet, basename="contest-vote")
router.register("contests/scores", ScoreViewSet, basename="contest-score")
router.resolve_first("contests/votes")  # a voting day's burst

