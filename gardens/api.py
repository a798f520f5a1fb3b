"""API of the gardens app: seasons, rules, the fee quote, applications and their workflow, the public register,
inspections. Owners see their businesses' applications, office staff their centres'; anyone else gets 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view, inline_serializer
from drf_standardized_errors.openapi_serializers import ValidationErrorResponseSerializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from centres.selectors import staff_centre_ids
from core.api import CursorPagination, router
from core.errors import Code, refusal
from core.openapi import SingleObjectSchema

from . import selectors, services
from .filters import ApplicationFilter, InspectionFilter, PermitFilter, RuleFilter, SeasonFilter
from .models import GardenApplication, Inspection
from .serializers import (
    ApplicationListSerializer,
    ApplicationSerializer,
    ApproveSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    FeeBreakdownSerializer,
    FeeQuoteRequestSerializer,
    HistorySerializer,
    InspectionSerializer,
    NextSeasonSerializer,
    PermitSerializer,
    RuleSerializer,
    SeasonSerializer,
    TransitionSerializer,
)

Status = GardenApplication.Status


class SignedInActor(permissions.IsAuthenticated):
    """Signed in; the workflow then answers 403 for a move the user may not make on an application they can see
    (a subclass, so that the schema documents that 403)."""


class HistoryPagination(CursorPagination):
    ordering = "id"


class SeasonViewSet(viewsets.ReadOnlyModelViewSet):
    """Garden seasons per centre: the summer and winter windows and the green-discount tiers."""

    serializer_class = SeasonSerializer
    filterset_class = SeasonFilter

    def get_queryset(self) -> QuerySet:
        return selectors.season_list()


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The aesthetic rules of a season (staff edit them in the admin)."""

    serializer_class = RuleSerializer
    filterset_class = RuleFilter

    def get_queryset(self) -> QuerySet:
        return selectors.rule_list()


def _quote_response(data: dict) -> Response:
    quote = services.quote_for_zone(zone=data["zone"], area_m2=data["area_m2"], start=data["start"],
                                    end=data["end"], greenery_kinds=data.get("greenery") or [])
    return Response(FeeBreakdownSerializer(quote.as_dict()).data)


class FeeQuoteViewSet(viewsets.ViewSet):
    """The fee before applying: area × days × the zone's rate on each day, then the green discount."""

    schema = SingleObjectSchema()  # its list answers one object
    permission_classes = [permissions.AllowAny]
    serializer_class = FeeQuoteRequestSerializer

    @extend_schema(parameters=[
        OpenApiParameter("zone", OpenApiTypes.INT, required=True),
        OpenApiParameter("area_m2", OpenApiTypes.DECIMAL, required=True),
        OpenApiParameter("start", OpenApiTypes.DATE, required=True),
        OpenApiParameter("end", OpenApiTypes.DATE, required=True),
        OpenApiParameter("greenery", OpenApiTypes.STR, many=True, enum=["tall_plants", "planters", "hanging"]),
    ], responses={200: FeeBreakdownSerializer, 400: ValidationErrorResponseSerializer})
    def list(self, request: Request) -> Response:
        params = request.query_params
        data = {key: params.get(key) for key in ("zone", "area_m2", "start", "end") if key in params}
        data["greenery"] = params.getlist("greenery")
        serializer = FeeQuoteRequestSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return _quote_response(serializer.validated_data)

    @extend_schema(request=FeeQuoteRequestSerializer, responses={200: FeeBreakdownSerializer})
    def create(self, request: Request) -> Response:
        serializer = FeeQuoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _quote_response(serializer.validated_data)


DetailResponse = inline_serializer("GardenApplicationDetail", fields={
    "application": ApplicationSerializer(),
    "attachments": AttachmentSerializer(many=True),
    "allowed_moves": serializers.ListField(child=serializers.CharField()),
    "conflicts": serializers.ListField(child=serializers.IntegerField(),
                                       help_text="Other live applications for the same place and period (staff)."),
})


@extend_schema_view(
    list=extend_schema(responses=ApplicationListSerializer(many=True)),
    create=extend_schema(request=ApplicationSerializer, responses={201: ApplicationSerializer}),
    update=extend_schema(request=ApplicationSerializer, responses={200: ApplicationSerializer}),
    partial_update=extend_schema(request=ApplicationSerializer, responses={200: ApplicationSerializer}),
)
class ApplicationViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Café-garden applications: the owner's own and the office staff's centre's. Drafts are edited by the owner;
    every status change is a POST action that goes through the one workflow function."""

    permission_classes = [SignedInActor]
    filterset_class = ApplicationFilter
    search_fields = ["business__name", "address", "permit_number"]
    ordering_fields = ["created_at", "submitted_at", "period_start", "fee_total"]

    def get_queryset(self) -> QuerySet:
        qs = selectors.visible_applications(self.request.user)
        if self.action in ("retrieve",):
            qs = qs.prefetch_related("declarations", "attachments", "greenery_evidence")
        return qs

    def get_serializer_class(self):
        return ApplicationListSerializer if self.action == "list" else ApplicationSerializer

    @extend_schema(responses={200: DetailResponse})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        application = self.get_object()
        return Response(self._detail(application))

    def _detail(self, application: GardenApplication) -> dict:
        user = self.request.user
        is_staff = application.season.centre_id in staff_centre_ids(user)
        attachments = AttachmentSerializer(application.attachments.all(), many=True).data
        for item in attachments:
            item["url"] = reverse("gardens:attachment", args=[application.pk, item["id"]])
        return {
            "application": ApplicationSerializer(application, context=self.get_serializer_context()).data,
            "attachments": attachments,
            "allowed_moves": services.allowed_moves(application, user),
            "conflicts": [c.pk for c in selectors.conflicts_for(application)] if is_staff else [],
        }

    @staticmethod
    def _split(data: dict) -> tuple[dict, dict | None]:
        data = dict(data)
        declarations = data.pop("declarations", None)
        mapping = ({d["rule"].pk: (d.get("complies", True), d.get("comment", "")) for d in declarations}
                   if declarations else None)
        return data, mapping

    def perform_create(self, serializer: ApplicationSerializer) -> None:
        data, declarations = self._split(serializer.validated_data)
        business, season = data.pop("business"), data.pop("season")
        serializer.instance = services.create_application(business=business, season=season,
                                                          by=self.request.user, declarations=declarations, **data)

    def perform_update(self, serializer: ApplicationSerializer) -> None:
        data, declarations = self._split(serializer.validated_data)
        data.pop("business", None)
        data.pop("season", None)
        serializer.instance = services.update_application(application=serializer.instance, by=self.request.user,
                                                          declarations=declarations, **data)

    def _move(self, request: Request, to: str, serializer_class=TransitionSerializer) -> Response:
        application = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.transition(application=application, to=to, by=request.user,
                            note=serializer.validated_data.get("note", ""),
                            confirmed_greenery=serializer.validated_data.get("confirmed_greenery"),
                            greenery_evidence=serializer.validated_data.get("greenery_evidence"))
        application = self.get_queryset().get(pk=application.pk)
        return Response(ApplicationSerializer(application, context=self.get_serializer_context()).data)

    @extend_schema(request=TransitionSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None) -> Response:
        """Owner: send a draft (or an answer to a change request) to the office."""
        return self._move(request, Status.SUBMITTED)

    @extend_schema(request=TransitionSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        """Owner: withdraw before a decision."""
        return self._move(request, Status.WITHDRAWN)

    @extend_schema(request=TransitionSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request: Request, pk=None) -> Response:
        """Staff: send back to the owner with a note saying what to change."""
        return self._move(request, Status.CHANGES_REQUESTED)

    @extend_schema(request=ApproveSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        """Staff: approve with the greenery confirmed; issues the permit number."""
        return self._move(request, Status.APPROVED, ApproveSerializer)

    @extend_schema(request=TransitionSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:
        """Staff: reject with a reason."""
        return self._move(request, Status.REJECTED)

    @extend_schema(request=TransitionSerializer, responses={200: ApplicationSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk=None) -> Response:
        """Staff: revoke an approved permit with a reason (e.g. after an inspection)."""
        return self._move(request, Status.REVOKED)

    @extend_schema(responses={200: HistorySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=HistoryPagination, filterset_class=None,
            search_fields=[], ordering_fields=[])
    def history(self, request: Request, pk=None) -> Response:
        """Who moved the application, when and why."""
        application = self.get_object()
        page = self.paginate_queryset(selectors.history_of(application))
        return self.get_paginated_response(HistorySerializer(page, many=True).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request: Request, pk=None) -> Response:
        """Owner: add a site plan (PDF or image) or a photo (image); checked by content, at most 10 MB."""
        application = self.get_object()
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.add_attachment(application=application, kind=serializer.validated_data["kind"],
                                             upload=serializer.validated_data["file"], by=request.user)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NextSeasonSerializer, responses={201: ApplicationSerializer})
    @action(detail=True, methods=["post"], url_path="next-season")
    def next_season(self, request: Request, pk=None) -> Response:
        """Owner: start next season's application from this permit in one step."""
        permit = self.get_object()
        serializer = NextSeasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.start_from_permit(permit=permit, season=serializer.validated_data["season"],
                                                 by=request.user)
        return Response(ApplicationSerializer(application, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class PermitViewSet(viewsets.ReadOnlyModelViewSet):
    """The public register: permits in force now or starting later (business, street, area, period)."""

    serializer_class = PermitSerializer
    filterset_class = PermitFilter
    permission_classes = [permissions.AllowAny]
    search_fields = ["business__name", "street__name", "address", "permit_number"]

    def get_queryset(self) -> QuerySet:
        return selectors.current_permits()


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Office staff: inspections of their centres' gardens with the result per rule."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    permission_classes = [permissions.IsAuthenticated]
    pagination_class = CursorPagination

    def get_queryset(self) -> QuerySet:
        return selectors.inspection_list().filter(
            application__season__centre_id__in=staff_centre_ids(self.request.user))

    def perform_create(self, serializer: InspectionSerializer) -> None:
        data = serializer.validated_data
        application = data["application"]
        if application.season.centre_id not in staff_centre_ids(self.request.user):
            raise refusal("application", _("Not a permit of your centre."), Code.OUT_OF_SCOPE)
        serializer.instance = services.record_inspection(
            application=application, by=self.request.user, inspected_on=data["inspected_on"],
            kind=data.get("kind", Inspection.Kind.OPERATIONAL), note=data.get("note", ""),
            missing_greenery=data.get("missing_greenery") or [],
            results={r["rule"].pk: (r.get("kept", True), r.get("note", "")) for r in data["results"]})


router.register("gardens/seasons", SeasonViewSet, basename="garden-season")
router.register("gardens/rules", RuleViewSet, basename="garden-rule")
router.register("gardens/fee-quote", FeeQuoteViewSet, basename="garden-fee-quote")
router.register("gardens/applications", ApplicationViewSet, basename="garden-application")
router.register("gardens/permits", PermitViewSet, basename="garden-permit")
router.register("gardens/inspections", InspectionViewSet, basename="garden-inspection")
