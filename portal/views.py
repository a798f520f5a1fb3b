from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.cache import public_page

STATIC_500 = Path(settings.BASE_DIR) / "templates" / "500.html"


@require_GET
@public_page("home")
def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the office offers, with links into each service."""
    return render(request, "portal/home.html")


@require_GET
def centre_map(request: HttpRequest) -> HttpResponse:
    """The public map of the centre: permitted gardens of this season, murals and Moja Starówka partners.

    The page holds no data: static/portal/map.js reads the layers from the open-data GeoJSON endpoints named in
    data-attributes, and the tile source from settings.MAP_TILE_URL (the context processor; empty: plain).
    """
    layers = [
        {"key": "gardens", "label": _("Café gardens permitted this season"), "url": reverse("open-data-gardens-geojson"),
         "csv": reverse("open-data-gardens-csv")},
        {"key": "murals", "label": _("Murals"), "url": reverse("open-data-murals-geojson"),
         "csv": reverse("open-data-murals-csv")},
        {"key": "partners", "label": _("Moja Starówka partners"), "url": reverse("open-data-partners-geojson"),
         "csv": reverse("open-data-partners-csv")},
    ]
    return render(request, "portal/map.html", {"layers": layers})


@require_GET
def web_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest (installable on a phone's home screen), in the page's language."""
    data = {
        "name": _("City-centre portal"), "short_name": _("Old Town"),
        "description": _("The Moja Starówka card, café-garden permits, contests and murals of the city centre."),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else settings.LANGUAGE_CODE,
        "start_url": reverse("home"), "scope": "/", "display": "standalone",
        "background_color": "#fffdf8", "theme_color": "#8c2f1b",
        "icons": [
            {"src": static("portal/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": static("portal/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("portal/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico whatever the page links."""
    return HttpResponseRedirect(static("portal/favicon.ico"))


@cache
def _static_500() -> bytes:
    return STATIC_500.read_bytes()


def server_error(request: HttpRequest, *args, **kwargs) -> HttpResponseServerError:
    """handler500: the plain page in both languages, read from disk — no template engine, session or database,
    which may be what failed."""
    return HttpResponseServerError(_static_500(), content_type="text/html; charset=utf-8")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
