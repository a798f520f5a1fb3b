import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# Import the URLconf (every app's views, serialisers and API) as the worker starts, not in its first request:
# that request otherwise waits a few hundred milliseconds (a till's first check after a deploy, say).
_ = get_resolver().url_patterns
