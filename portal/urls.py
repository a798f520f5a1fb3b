from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# Every app registers its API viewsets on the shared router when its api module is imported.
import centres.api  # noqa: F401
import contests.api  # noqa: F401
import gardens.api  # noqa: F401
import loyalty.api  # noqa: F401
import murals.api  # noqa: F401
from core.api import router
from portal import views

admin.site.site_header = "Portal Centrum Miasta"
admin.site.site_title = "Portal Centrum Miasta"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/v1/auth/", include("centres.api_auth_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("", include("centres.urls")),
]

urlpatterns += [
    path("moja-starowka/", include("loyalty.urls")),
    path("ogrodki/", include("gardens.urls")),
    path("konkursy/", include("contests.urls")),
    path("murale/", include("murals.urls")),
    path("biuro/", include("office.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
