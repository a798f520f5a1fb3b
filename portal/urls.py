from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# Every app registers its API viewsets on the shared router when its api module is imported.
import centres.api  # noqa: F401
import contests.api  # noqa: F401
import gardens.api
import gardens.open_data
import loyalty.api
import loyalty.open_data
import murals.api
import murals.open_data
from core.api import router
from core.opendata import open_data_urls
from portal import views

admin.site.site_header = "Portal Centrum Miasta"
admin.site.site_title = "Portal Centrum Miasta"

urlpatterns = [
    # The API first: the till's and the vote's requests resolve without trying the page patterns before them.
    path("api/v1/", include(router.urls)),
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("mapa/", views.centre_map, name="centre-map"),
    path("manifest.webmanifest", views.web_manifest, name="web-manifest"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    *open_data_urls(gardens.open_data.OpenGardens),
    *open_data_urls(murals.open_data.OpenMurals),
    *open_data_urls(loyalty.open_data.OpenPartners),
    path("api/v1/auth/", include("centres.api_auth_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (Content-Security-Policy).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("centres.urls")),
]

urlpatterns += [
    path("moja-starowka/", include("loyalty.urls")),
    path("ogrodki/", include("gardens.urls")),
    path("konkursy/", include("contests.urls")),
    path("murale/", include("murals.urls")),
    path("biuro/", include("office.urls")),
]

# A failure answers the plain page in both languages, read from disk (no template, session or database).
handler500 = "portal.views.server_error"

if settings.DEBUG or getattr(settings, "SERVE_MEDIA", False):
    # Uploaded files with the type the portal stored, nosniff, and a download for anything but an image.
    from django.urls import re_path

    from core.media import serve as serve_media

    urlpatterns += [re_path(r"^%s(?P<path>.+)$" % settings.MEDIA_URL.lstrip("/"), serve_media, name="media")]
