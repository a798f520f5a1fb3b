"""The portal's URLs plus `/bench/ceiling/<pk>`: a bare view that reads one row by primary key.

It goes through the same middleware as every portal page, so its throughput is what this stack can do at best
for a request that touches the database once; the hot path is compared with it.
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from centres.models import Business
from portal.urls import urlpatterns as portal_urlpatterns


def ceiling(request, pk: int) -> JsonResponse:
    business = get_object_or_404(Business.objects.only("pk", "name"), pk=pk)
    return JsonResponse({"id": business.pk, "name": business.name})


urlpatterns = [path("bench/ceiling/<int:pk>", ceiling), *portal_urlpatterns]
