"""API of the loyalty app: perks and partners (public), the resident's cards, verification at the till, the
recorded checks (cursor-paged) and the figures. Registered on the shared router."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse404Serializer,
    ValidationErrorResponseSerializer,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from centres.models import Centre
from centres.selectors import is_staff_of, staff_centre_ids, staff_centres
from centres.serializers import as_drf_error
from core.api import CursorPagination, router
from core.centre import staff_centre
from core.openapi import SingleObjectSchema

from . import selectors, services
from .filters import CardFilter, CheckFilter, PartnerFilter, PerkFilter
from .models import Card, Partner, Perk
from .serializers import (
    CardActionSerializer,
    CardApplicationSerializer,
    CardSerializer,
    CheckSerializer,
    FiguresSerializer,
    OfficeFiguresQuerySerializer,
    PartnerFiguresQuerySerializer,
    PartnerSerializer,
    PerkSerializer,
    VerificationSerializer,
    VerifyRequestSerializer,
)


class SignedIn(permissions.IsAuthenticated):
    """Signed-in users only; object rules inside the view may still refuse with 403."""


def _call(fn, **kwargs):
    """Run a service; its refusals become API errors (400 with field messages, 403)."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise as_drf_error(exc) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc


class PerkViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Current perks of the partners (public). A partner's owner or manager adds and edits its perks and also
    sees its expired or inactive ones; office staff see their centres' perks."""

    serializer_class = PerkSerializer
    filterset_class = PerkFilter
    search_fields = ["title_pl", "title_en", "description_pl", "description_en", "partner__business__name"]
    ordering_fields = ["title_pl", "valid_from"]

    def get_queryset(self) -> QuerySet[Perk]:
        return selectors.perks_visible_to(self.request.user)

    def perform_create(self, serializer: PerkSerializer) -> None:
        data = dict(serializer.validated_data)
        partner = data.pop("partner")
        serializer.instance = _call(services.create_perk, partner=partner, by=self.request.user, **data)

    def perform_update(self, serializer: PerkSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("partner", None)  # a perk stays with its partner
        serializer.instance = _call(services.update_perk, perk=serializer.instance, by=self.request.user, **data)


class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    """Partners under a current agreement (public); staff of a centre also see its past and inactive partners."""

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    search_fields = ["business__name", "business__street__name"]
    ordering_fields = ["business__name", "agreement_start"]

    def get_queryset(self) -> QuerySet[Partner]:
        return selectors.partners_visible_to(self.request.user).order_by("business__name", "pk")


class CardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A resident's own cards (apply with POST); office staff see their centres' cards and move them through the
    workflow. Anyone else's card is 404."""

    serializer_class = CardSerializer
    filterset_class = CardFilter
    permission_classes = [SignedIn]
    search_fields = ["number", "last_name"]
    ordering_fields = ["created_at", "valid_until"]

    def get_queryset(self) -> QuerySet[Card]:
        return selectors.cards_visible_to(self.request.user)

    @extend_schema(request=CardApplicationSerializer, responses={201: CardSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        incoming = CardApplicationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        centre = Centre.objects.filter(slug=data.pop("centre"), is_active=True).first()
        if centre is None:
            raise as_drf_error(DjangoValidationError({"centre": "No such centre."}))
        card = _call(services.apply_for_card, user=request.user, centre=centre, **data)
        return Response(CardSerializer(card, context={"request": request}).data, status=status.HTTP_201_CREATED)

    def _move(self, request: Request, service) -> Response:
        card = self.get_object()
        if not is_staff_of(request.user, card.centre_id):
            raise PermissionDenied("Only the office of the card's centre may change its status.")
        incoming = CardActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        card = _call(service, card=card, by=request.user, note=incoming.validated_data["note"])
        return Response(CardSerializer(card, context={"request": request}).data)

    @extend_schema(request=CardActionSerializer, responses={200: CardSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str | None = None) -> Response:
        """Confirm residence and activate a pending card, or lift a suspension."""
        return self._move(request, services.activate_card)

    @extend_schema(request=CardActionSerializer, responses={200: CardSerializer})
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, services.suspend_card)

    @extend_schema(request=CardActionSerializer, responses={200: CardSerializer})
    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, services.renew_card)

    @extend_schema(request=CardActionSerializer, responses={200: CardSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, services.revoke_card)

    @extend_schema(request=CardActionSerializer, responses={200: CardSerializer})
    @action(detail=True, methods=["post"])
    def reissue(self, request: Request, pk: str | None = None) -> Response:
        """Revoke a lost card and issue a new number; answers with the new card."""
        return self._move(request, services.reissue_card)


class VerifyViewSet(viewsets.GenericViewSet):
    """The till: check a card (QR token or typed number) for a partner you act for, optionally using a perk.
    Every check is recorded; a mistyped number (check digit) is refused with 400 and not recorded."""

    permission_classes = [SignedIn]
    serializer_class = VerifyRequestSerializer
    throttle_scope = "verify"
    pagination_class = None
    filter_backends: list = []

    @extend_schema(request=VerifyRequestSerializer,
                   responses={200: VerificationSerializer,
                              404: OpenApiResponse(ErrorResponse404Serializer, description="No such partner.")})
    def create(self, request: Request) -> Response:
        incoming = VerifyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            partner = services.partner_for_till(user=request.user, partner_id=data.get("partner"),
                                                business_id=data.get("business") if not data.get("partner") else None)
        except Partner.DoesNotExist:
            raise Http404 from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        outcome = _call(services.verify_card, user=request.user, partner=partner, code=data["code"],
                        perk_id=data.get("perk"))
        return Response(VerificationSerializer(outcome).data)


class CheckViewSet(viewsets.ReadOnlyModelViewSet):
    """Recorded checks, newest first, paged by cursor: a resident sees their own cards', a partner's people their
    partner's (without the card number), office staff their centres'."""

    serializer_class = CheckSerializer
    permission_classes = [SignedIn]
    pagination_class = CursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = CheckFilter

    def get_queryset(self):
        return selectors.checks_visible_to(self.request.user)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "staff_of": staff_centre_ids(self.request.user)}


class OfficeFiguresViewSet(viewsets.ViewSet):
    """The office's figures of one of its centres (aggregates only)."""

    schema = SingleObjectSchema()  # its list answers one object
    permission_classes = [SignedIn]

    @extend_schema(parameters=[OfficeFiguresQuerySerializer],
                   responses={200: FiguresSerializer, 400: ValidationErrorResponseSerializer,
                              404: OpenApiResponse(ErrorResponse404Serializer, description="Not office staff.")})
    def list(self, request: Request) -> Response:
        query = OfficeFiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        centre = staff_centre(request, staff_centres(request.user), wanted=query.validated_data.get("centre") or "")
        figures = selectors.office_figures(centre)
        return Response({"headline": figures["headline"], "tables": [t.as_dict() for t in figures["tables"]]})


class PartnerFiguresViewSet(viewsets.ViewSet):
    """A partner's own figures for its owner or manager: checks and accepted uses per perk, day and month."""

    schema = SingleObjectSchema()  # its list answers one object
    permission_classes = [SignedIn]

    @extend_schema(parameters=[PartnerFiguresQuerySerializer],
                   responses={200: FiguresSerializer, 400: ValidationErrorResponseSerializer,
                              404: OpenApiResponse(ErrorResponse404Serializer, description="Not your partner.")})
    def list(self, request: Request) -> Response:
        query = PartnerFiguresQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        partner = _managed_partner(request.user, query.validated_data.get("partner"))
        figures = selectors.partner_figures(partner)
        return Response({"partner": partner.pk, "headline": figures["headline"],
                         "tables": [t.as_dict() for t in figures["tables"]]})


def _managed_partner(user, partner_id: int | None) -> Partner:
    from centres.models import BusinessMembership

    partners = selectors.partners_of(user, BusinessMembership.MANAGING_ROLES)
    partner = partners.filter(pk=partner_id).first() if partner_id else partners.first()
    if partner is None:
        raise Http404
    return partner


router.register("loyalty/perks", PerkViewSet, basename="loyalty-perk")
router.register("loyalty/partners", PartnerViewSet, basename="loyalty-partner")
router.register("loyalty/cards", CardViewSet, basename="loyalty-card")
router.register("loyalty/verify", VerifyViewSet, basename="loyalty-verify")
router.register("loyalty/checks", CheckViewSet, basename="loyalty-check")
router.register("loyalty/figures/office", OfficeFiguresViewSet, basename="loyalty-office-figures")
router.register("loyalty/figures/partner", PartnerFiguresViewSet, basename="loyalty-partner-figures")
