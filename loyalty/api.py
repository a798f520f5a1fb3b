"""API of the loyalty app: perks and partners (public), the resident's cards and their live code, verification at
the till (online and uploaded from an offline till), the centres' public keys and the revocation list, the
recorded checks (cursor-paged) and the figures. Registered on the shared router.

Views call services directly: a refusal (ValidationError, PermissionDenied) becomes the one error shape in the
exception handler of core/api_errors.py.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import (
    ErrorResponse403Serializer,
    ErrorResponse404Serializer,
    ErrorResponse429Serializer,
    ValidationErrorResponseSerializer,
)
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response

from centres.models import BusinessMembership, Centre
from centres.selectors import staff_centre_ids, staff_centres
from core.api import CursorPagination, router
from core.cache import PublicCacheMixin
from core.centre import staff_centre
from core.errors import Code, refusal
from core.openapi import SingleObjectSchema
from core.parsers import peek_json
from core.tokens import GUARDED_ATTRIBUTE, has_cached_identity, identity_part

from . import selectors, services, throttles, tokens
from .filters import CardFilter, CheckFilter, PartnerFilter, PerkFilter
from .models import Card, Partner, Perk
from .serializers import (
    CardActionSerializer,
    CardApplicationSerializer,
    CardCodeSerializer,
    CardSerializer,
    CheckSerializer,
    FiguresSerializer,
    KeysSerializer,
    OfficeFiguresQuerySerializer,
    OfflineUploadResultSerializer,
    OfflineUploadSerializer,
    PartnerFiguresQuerySerializer,
    PartnerSerializer,
    PerkSerializer,
    RevocationsQuerySerializer,
    RevocationsSerializer,
    VerificationSerializer,
    VerifyRequestSerializer,
    qr_svg,
    verification_data,
)


class SignedIn(permissions.IsAuthenticated):
    """Signed-in users only; object rules inside the services may still refuse with 403."""


class PerkViewSet(PublicCacheMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Current perks of the partners (public). A partner's owner or manager adds and edits its perks and also
    sees its expired or inactive ones; office staff see their centres' perks."""

    serializer_class = PerkSerializer
    public_cache_area = "perks"  # anonymous GETs answered from core.cache (invalidated on every change)
    filterset_class = PerkFilter
    search_fields = ["title_pl", "title_en", "description_pl", "description_en", "partner__business__name"]
    ordering_fields = ["title_pl", "valid_from"]

    def get_queryset(self) -> QuerySet[Perk]:
        return selectors.perks_visible_to(self.request.user)

    def perform_create(self, serializer: PerkSerializer) -> None:
        data = dict(serializer.validated_data)
        partner = data.pop("partner")
        serializer.instance = services.create_perk(partner=partner, by=self.request.user, **data)

    def perform_update(self, serializer: PerkSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("partner", None)  # a perk stays with its partner
        serializer.instance = services.update_perk(perk=serializer.instance, by=self.request.user, **data)


class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    """Partners under a current agreement (public); staff of a centre also see its past and inactive partners."""

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    search_fields = ["business__name", "business__street__name"]
    ordering_fields = ["business__name", "agreement_start"]

    def get_queryset(self) -> QuerySet[Partner]:
        return selectors.partners_visible_to(self.request.user).order_by("business__name", "pk")


class CardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A resident's own cards (apply with POST; `code` gives the live QR token and its 6-digit code); office
    staff see their centres' cards and move them through the workflow (the service checks who may). Anyone
    else's card is 404."""

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
            raise refusal("centre", "No such centre.", Code.NOT_FOUND)
        card = services.apply_for_card(user=request.user, centre=centre, **data)
        return Response(CardSerializer(card, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: CardCodeSerializer,
                              400: OpenApiResponse(ValidationErrorResponseSerializer,
                                                   description="`card_not_valid`: the card has no code now."),
                              403: OpenApiResponse(ErrorResponse403Serializer,
                                                   description="Only the holder sees the code.")})
    @action(detail=True, methods=["get"])
    def code(self, request: Request, pk: str | None = None) -> Response:
        """The card's live QR token and the 6-digit code under it, with when to fetch the next one (My card does,
        without reloading). A token lives `expires_at - issued_at` seconds; re-issue or revocation kills it."""
        card = self.get_object()
        minted = services.card_code(user=request.user, card=card)
        return Response(CardCodeSerializer({
            "token": minted.token, "code": minted.code, "kid": minted.kid, "issued_at": minted.issued_at,
            "expires_at": minted.expires_at, "refresh_at": minted.refresh_at,
            "svg": qr_svg(minted.token, card)}).data)

    def _move(self, request: Request, service) -> Response:
        card = self.get_object()
        incoming = CardActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        card = service(card=card, by=request.user, note=incoming.validated_data["note"])
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


TILL_PART = "loyalty-till"  # the partners a till account acts for, kept with its cached token (core.tokens)

VERIFY_OUTCOMES = """
Every check is recorded (except a mistyped number). The answer's `result`:
`valid`; `unknown` (no card of this centre matches); `pending`, `suspended`, `expired`, `revoked` (the card's
status: a re-issued card's old tokens are `revoked`); `token_expired` (older than the window); `token_invalid`
(not signed by a key of the programme, altered, or signed by a retired key after its retirement);
`code_invalid` (the number's code does not match a live token). `method` says what proved the card: `qr`,
`number_code`, or `number` (a number alone: `valid` only says such a card is valid today; no `holder`, and a
named perk is refused with `proof_needed`). `outcome` is what the till shows: `green` (valid, perk accepted if
named), `amber` (valid, perk refused: `refusal` says why — `proof_needed`, `not_today`, `limit_reached`,
`monthly_limit_reached`), `red` (not valid; `refusal` is `card_not_valid` when a perk was named).
"""


class VerifyViewSet(viewsets.GenericViewSet):
    """The till: check a card for a partner you act for — the QR token, or the number with the 6-digit code,
    or the number alone (validity only) — optionally using a perk."""

    permission_classes = [SignedIn]
    serializer_class = VerifyRequestSerializer
    throttle_scope = "verify"
    identity_parts = {TILL_PART: services.till_partners}  # made with a token's cached identity (core.tokens)
    pagination_class = None
    filter_backends: list = []

    @staticmethod
    def identity_tags(parts: dict) -> list[str]:
        """What a till's cached identity acts for: its partners (core.tokens guards identity_limits with them)."""
        return [throttles.partner_tag(partner.pk) for partner in parts.get(TILL_PART, [])]

    def identity_limits(self, request: Request, ident: str) -> list:
        """A typed look-up's limits, counted by the token authentication in the round trip that reads the till's
        identity (where the identity acts for the partner named), instead of a round trip of their own: only for
        a body that names a partner and no token and that the request serializer takes, as `create` counts it."""
        body = peek_json(request)
        if not isinstance(body, dict) or body.get("token") or not body.get("partner"):
            return []
        incoming = VerifyRequestSerializer(data=body)
        request._verify_incoming = incoming  # validated once: `create` takes it for this very body
        if not incoming.is_valid() or incoming.validated_data.get("token"):
            return []
        return throttles.typed_lookup_guarded(user_ident=ident, partner_id=incoming.validated_data["partner"])

    @extend_schema(
        request=VerifyRequestSerializer, description=VERIFY_OUTCOMES,
        responses={
            200: VerificationSerializer,
            400: OpenApiResponse(ValidationErrorResponseSerializer, description=(
                "`number_mistyped` (length or check digit; not recorded), `card_missing` (neither token nor "
                "number), `perk_not_available` (not this partner's perk), `required`/`invalid` on `partner`.")),
            403: OpenApiResponse(ErrorResponse403Serializer, description="You do not act for this partner."),
            404: OpenApiResponse(ErrorResponse404Serializer, description="No such partner."),
            429: OpenApiResponse(ErrorResponse429Serializer, description=(
                "Too many checks, or too many typed numbers from this till account or this partner.")),
        })
    def create(self, request: Request) -> Response:
        incoming = getattr(request, "_verify_incoming", None)
        if incoming is None or incoming.initial_data is not request.data:  # not validated by identity_limits
            incoming = VerifyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        partner = _till_partner(request, data)
        if not data.get("token"):
            wait = throttles.typed_lookup_wait(user=request.user, partner=partner,
                                               counted=getattr(request, GUARDED_ATTRIBUTE, None))
            if wait is not None:
                raise Throttled(wait=wait)
        outcome = services.verify_card(user=request.user, partner=partner, token=data.get("token", ""),
                                       number=data.get("number", ""), code=data.get("code", ""),
                                       perk_id=data.get("perk"), perks=getattr(partner, "till_perks", None))
        return Response(verification_data(outcome))  # VerificationSerializer's shape, without building it


def _till_partner(request: Request, data: dict) -> Partner:
    """The partner at whose till the request is, from the partners its user acts for kept with the cached token
    identity (no query after the first request of a token); otherwise (a session, a partner they do not act for:
    403, no such partner: 404) the service decides from the database in one query."""
    partner_id = data.get("partner")
    business_id = data.get("business") if not partner_id else None
    known = identity_part(request, TILL_PART, services.till_partners) if has_cached_identity(request) else []
    for partner in known:
        if partner.pk == partner_id or (business_id is not None and partner.business_id == business_id):
            return partner
    try:
        return services.partner_for_till(user=request.user, partner_id=partner_id, business_id=business_id)
    except Partner.DoesNotExist:
        raise Http404 from None


class OfflineCheckViewSet(viewsets.GenericViewSet):
    """Checks an offline till made (QR tokens verified on the device), uploaded when it is online again. Each
    carries the device's `client_id`: an upload sent twice is recorded once (`duplicate: true`)."""

    permission_classes = [SignedIn]
    serializer_class = OfflineUploadSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(request=OfflineUploadSerializer,
                   responses={200: OfflineUploadResultSerializer,
                              400: OpenApiResponse(ValidationErrorResponseSerializer, description=(
                                  "`too_large` (more than 200 checks), `check_time_invalid` (dated in the future "
                                  "or more than a week ago), `perk_not_available`.")),
                              403: OpenApiResponse(ErrorResponse403Serializer,
                                                   description="You do not act for this partner."),
                              404: OpenApiResponse(ErrorResponse404Serializer, description="No such partner.")})
    def create(self, request: Request) -> Response:
        incoming = OfflineUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        partner = _till_partner(request, data)
        items = [services.OfflineItem(client_id=i["client_id"], token=i["token"], checked_at=i["checked_at"],
                                      perk_id=i.get("perk"), accepted=i.get("accepted", False))
                 for i in data["checks"]]
        outcomes = services.record_offline_checks(user=request.user, partner=partner, items=items)
        return Response(OfflineUploadResultSerializer({"results": [
            {"client_id": o.client_id, "check_id": o.check.pk, "duplicate": o.duplicate, "result": o.check.result,
             "accepted": o.check.accepted, "flagged": o.check.flagged} for o in outcomes]}).data)


class KeysViewSet(viewsets.ViewSet):
    """The centres' public keys that sign card tokens (public): a till verifies QR codes offline with them. Keys
    rotate: a token names its key id (`kid`); a retired key is listed while its tokens may still be alive."""

    schema = SingleObjectSchema()
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: KeysSerializer})
    def list(self, request: Request) -> Response:
        keys = [{"kid": k.kid, "centre": k.centre.slug, "algorithm": "Ed25519", "public_key": k.public_key,
                 "created_at": k.created_at, "retired_at": k.retired_at} for k in selectors.published_keys()]
        response = Response(KeysSerializer({"window_seconds": tokens.window_seconds(),
                                            "step_seconds": tokens.step_seconds(), "keys": keys}).data)
        response["Cache-Control"] = "public, max-age=60"
        return response


class RevocationsViewSet(viewsets.ViewSet):
    """The revocation list of a partner's centre, as a delta: the status changes of its cards after `since`
    (the `cursor` of the previous answer; 0 for the whole list). A till blocks a card whose latest status is
    not `active`. For the people of a partner."""

    schema = SingleObjectSchema()
    permission_classes = [SignedIn]

    @extend_schema(parameters=[RevocationsQuerySerializer], responses={200: RevocationsSerializer})
    def list(self, request: Request) -> Response:
        query = RevocationsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        partner = _till_partner(request, query.validated_data)
        after = query.validated_data.get("since", 0)
        limit = 5000
        rows = selectors.status_changes_since(centre_id=partner.centre_id, after=after, limit=limit)
        return Response(RevocationsSerializer({
            "cursor": rows[-1][0] if rows else after, "more": len(rows) == limit,
            "changes": [{"card": card, "status": s} for _pk, card, s in rows]}).data)


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
        partners = selectors.partners_of(request.user, BusinessMembership.MANAGING_ROLES)
        wanted = query.validated_data.get("partner")
        partner = partners.filter(pk=wanted).first() if wanted else partners.first()
        if partner is None:
            raise Http404
        figures = selectors.partner_figures(partner)
        return Response({"partner": partner.pk, "headline": figures["headline"],
                         "tables": [t.as_dict() for t in figures["tables"]]})


router.register("loyalty/perks", PerkViewSet, basename="loyalty-perk")
router.register("loyalty/partners", PartnerViewSet, basename="loyalty-partner")
router.register("loyalty/cards", CardViewSet, basename="loyalty-card")
router.register("loyalty/verify", VerifyViewSet, basename="loyalty-verify")
router.register("loyalty/offline-checks", OfflineCheckViewSet, basename="loyalty-offline-check")
router.register("loyalty/keys", KeysViewSet, basename="loyalty-keys")
router.register("loyalty/revocations", RevocationsViewSet, basename="loyalty-revocations")
router.register("loyalty/checks", CheckViewSet, basename="loyalty-check")
router.register("loyalty/figures/office", OfficeFiguresViewSet, basename="loyalty-office-figures")
router.register("loyalty/figures/partner", PartnerFiguresViewSet, basename="loyalty-partner-figures")
router.resolve_first("loyalty/verify")  # the till's check: the API's busiest path
