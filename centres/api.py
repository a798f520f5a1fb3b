"""API of centres, zones with their current rates, fee rates and businesses. Reads are public; writes are for
office staff within their own centre. Views call the services directly: a service's refusal becomes a 400 with its
code in core.api_errors, the one exception handler."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied

from core.api import ReadOnlyOrStaff, router

from . import selectors, services
from .filters import BusinessFilter, FeeRateFilter, ZoneFilter
from .models import Business, FeeRate
from .serializers import (
    BusinessSerializer,
    CentreSerializer,
    FeeRateSerializer,
    ZoneSerializer,
)


def _require_staff_of(user, centre_id: int) -> None:
    if not selectors.is_staff_of(user, centre_id):
        raise PermissionDenied("You are not office staff of this centre.")


class CentreViewSet(viewsets.ReadOnlyModelViewSet):
    """Town centres served by this portal."""

    serializer_class = CentreSerializer
    lookup_field = "slug"
    search_fields = ["name", "city"]

    def get_queryset(self) -> QuerySet:
        return selectors.centre_list().filter(is_active=True)


class ZoneViewSet(viewsets.ReadOnlyModelViewSet):
    """Fee zones with the rates in force today."""

    serializer_class = ZoneSerializer
    filterset_class = ZoneFilter
    search_fields = ["name", "streets__name"]

    def get_queryset(self) -> QuerySet:
        return selectors.zone_list()


class FeeRateViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rate history per zone and use. Staff add rates; overlapping periods are refused."""

    serializer_class = FeeRateSerializer
    filterset_class = FeeRateFilter
    permission_classes = [ReadOnlyOrStaff]
    ordering_fields = ["valid_from", "price_pln"]

    def get_queryset(self) -> QuerySet:
        return FeeRate.objects.select_related("zone").order_by("zone_id", "use", "valid_from")

    def perform_create(self, serializer: FeeRateSerializer) -> None:
        _require_staff_of(self.request.user, serializer.validated_data["zone"].centre_id)
        serializer.instance = services.create_fee_rate(**serializer.validated_data)

    def perform_update(self, serializer: FeeRateSerializer) -> None:
        _require_staff_of(self.request.user, serializer.instance.zone.centre_id)
        if "zone" in serializer.validated_data:
            _require_staff_of(self.request.user, serializer.validated_data["zone"].centre_id)
        serializer.instance = services.update_fee_rate(rate=serializer.instance, **serializer.validated_data)


class BusinessViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Businesses of the centres. The public sees active ones; staff of a centre see and edit all of theirs."""

    serializer_class = BusinessSerializer
    filterset_class = BusinessFilter
    permission_classes = [ReadOnlyOrStaff]
    search_fields = ["name", "street__name", "nip"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self) -> QuerySet:
        qs = selectors.business_list()
        staff_of = selectors.staff_centre_ids(self.request.user)
        if staff_of:
            return qs.filter(Q(is_active=True) | Q(centre_id__in=staff_of))
        return qs.filter(is_active=True)

    def perform_create(self, serializer: BusinessSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("is_active", None)
        _require_staff_of(self.request.user, data["centre"].pk)
        serializer.instance = services.create_business(**data)

    def perform_update(self, serializer: BusinessSerializer) -> None:
        business: Business = serializer.instance
        _require_staff_of(self.request.user, business.centre_id)
        for name, value in serializer.validated_data.items():
            setattr(business, name, value)
        _require_staff_of(self.request.user, business.centre_id)
        services.validate_business(business)
        business.save()


router.register("centres", CentreViewSet, basename="centre")
router.register("zones", ZoneViewSet, basename="zone")
router.register("fee-rates", FeeRateViewSet, basename="fee-rate")
router.register("businesses", BusinessViewSet, basename="business")
