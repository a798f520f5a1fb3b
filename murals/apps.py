from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MuralsConfig(AppConfig):
    name = "murals"
    verbose_name = _("Murals")

    def ready(self) -> None:
        """Audit the register. No GDPR section: artists are named publicly by their own choice, and design
        submissions (with their authors) belong to the contests app, which registers them."""
        from auditlog.registry import auditlog

        from . import models

        for model in (models.Artist, models.Wall, models.Mural, models.MuralPhoto):
            auditlog.register(model)
