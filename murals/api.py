"""API of the mural register: murals (public read; office staff of the centre write and move the status),
walls with their design contests, artists, and the walking trail. Registered on the shared router."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from centres.selectors import is_staff_of
from core.api import ReadOnlyOrStaff, router

from . import selectors, services
from .filters import ArtistFilter, MuralFilter, TrailFilter, WallFilter
from .models import Wall
from .serializers import (
    ArtistSerializer,
    MuralSerializer,
    MuralStatusChangeSerializer,
    MuralStatusSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    TrailStopSerializer,
    WallSerializer,
)

WRITE_METHODS = ["get", "post", "put", "patch", "head", "options"]  # nothing is deleted: murals are "removed"


class MuralViewSet(viewsets.ModelViewSet):
    """The register: everyone reads every mural except removed ones (staff of the centre see those too).
    Office staff of the mural's centre add and change murals and move their status."""

    serializer_class = MuralSerializer
    permission_classes = [ReadOnlyOrStaff]
    filterset_class = MuralFilter
    search_fields = ["title", "address", "artists__name"]
    ordering_fields = ["year", "title", "trail_order"]
    http_method_names = WRITE_METHODS

    def get_queryset(self) -> QuerySet:
        return selectors.visible_murals(user=self.request.user)

    def perform_create(self, serializer: MuralSerializer) -> None:
        data = dict(serializer.validated_data)
        mural = services.create_mural(by=self.request.user, **data)
        serializer.instance = selectors.mural_list().get(pk=mural.pk)

    def perform_update(self, serializer: MuralSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("centre", None)  # a mural stays in its centre
        mural = services.update_mural(mural=serializer.instance, by=self.request.user, **data)
        serializer.instance = selectors.mural_list().get(pk=mural.pk)

    @extend_schema(request=MuralStatusSerializer, responses={200: MuralSerializer})
    @action(detail=True, methods=["post"], url_path="status", permission_classes=[IsAuthenticated],
            filter_backends=[], pagination_class=None)
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        """Move the mural along its workflow (planned → approved by the conservator → being painted → completed
        ⇄ needs maintenance; removed is final). Staff of the centre only; the sponsors are e-mailed."""
        mural = self.get_object()
        body = MuralStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.change_mural_status(mural=mural, to=body.validated_data["status"], by=request.user,
              note=body.validated_data.get("note", ""))
        return Response(MuralSerializer(selectors.mural_list().get(pk=mural.pk), context={"request": request}).data)

    @extend_schema(responses={200: MuralStatusChangeSerializer(many=True)})
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated], filter_backends=[],
            pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Who moved the mural's status, when and why: staff of the centre only."""
        mural = self.get_object()
        if not is_staff_of(request.user, mural.centre_id):
            raise PermissionDenied()
        return Response(MuralStatusChangeSerializer(selectors.history_of(mural), many=True).data)

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer},
                   responses={201: PhotoSerializer, 400: OpenApiResponse(description="Not an image.")})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated], filter_backends=[],
            pagination_class=None, parser_classes=[MultiPartParser, FormParser])
    def photos(self, request: Request, pk: str | None = None) -> Response:
        """Add a photo (JPEG, PNG or WebP, checked by content) with its alternative text."""
        mural = self.get_object()
        body = PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        photo = services.add_photo(mural=mural, by=request.user, **body.validated_data)
        return Response(PhotoSerializer(photo, context={"request": request}).data, status=201)


class WallViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Walls offered for murals, with their conditions and design contest. Staff of the centre write."""

    serializer_class = WallSerializer
    permission_classes = [ReadOnlyOrStaff]
    filterset_class = WallFilter
    search_fields = ["address", "building_owner"]
    ordering_fields = ["address"]

    def get_queryset(self) -> QuerySet:
        return selectors.wall_list().prefetch_related("contest__phases")

    def _reload(self, wall: Wall) -> Wall:
        return self.get_queryset().get(pk=wall.pk)

    def perform_create(self, serializer: WallSerializer) -> None:
        data = dict(serializer.validated_data)
        wall = services.save_wall(by=self.request.user, **data)
        serializer.instance = self._reload(wall)

    def perform_update(self, serializer: WallSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("centre", None)
        wall = services.save_wall(wall=serializer.instance, by=self.request.user, **data)
        serializer.instance = self._reload(wall)


class ArtistViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Artists named in the register (public figures by their own choice). Staff of the centre write."""

    serializer_class = ArtistSerializer
    permission_classes = [ReadOnlyOrStaff]
    filterset_class = ArtistFilter
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet:
        return selectors.artist_list()

    def perform_create(self, serializer: ArtistSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.create_artist(centre=data["centre"], by=self.request.user,
                                    name=data["name"], website=data.get("website", ""))

    def perform_update(self, serializer: ArtistSerializer) -> None:
        data = dict(serializer.validated_data)
        data.pop("centre", None)
        serializer.instance = services.update_artist(artist=serializer.instance, by=self.request.user,
                                    **data)


class TrailViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The walking trail: completed murals with a trail position, in order (filter by centre)."""

    serializer_class = TrailStopSerializer
    filterset_class = TrailFilter
    pagination_class = None  # a trail has a handful of stops

    def get_queryset(self) -> QuerySet:
        return selectors.trail()


router.register("murals/murals", MuralViewSet, basename="murals-mural")
router.register("murals/walls", WallViewSet, basename="murals-wall")
router.register("murals/artists", ArtistViewSet, basename="murals-artist")
router.register("murals/trail", TrailViewSet, basename="murals-trail")
