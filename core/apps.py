from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: shared pieces every app may import; it imports no app of the portal."""

    name = "core"
    verbose_name = _("Core")
