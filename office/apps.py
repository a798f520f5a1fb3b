from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    """The office's own pages (dashboard, imports and exports) on top of the apps, which register with it."""

    name = "office"
    verbose_name = _("Office")

    def ready(self) -> None:
        # Each app's `<app>/office.py` registers its charts, headline figures and datasets with core.office.
        autodiscover_modules("office")
