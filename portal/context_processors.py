from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The main navigation: (URL name, label). An entry whose view is not installed is left out.
NAVIGATION = [
    ("loyalty:perk-list", _("Moja Starówka")),
    ("gardens:register", _("Café gardens")),
    ("contests:contest-list", _("Contests")),
    ("murals:gallery", _("Murals")),
    ("business-list", _("Businesses")),
    ("centre-map", _("Map")),
]


def portal(request: HttpRequest) -> dict:
    """The centre shown in the layout (the chosen one, else the first) and the navigation."""
    from centres.models import Centre
    from centres.selectors import current_centre

    nav = []
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        nav.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {
        "current_centre": current_centre(request),
        "all_centres": Centre.objects.filter(is_active=True).only("slug", "name"),
        "navigation": nav,
        "SITE_URL": settings.SITE_URL,
        # Maps (static/portal/map.js): the tile source, empty for a plain background (offline, tests).
        "map_tile_url": getattr(settings, "MAP_TILE_URL", ""),
        "map_tile_attribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
    }
