from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GardensConfig(AppConfig):
    name = "gardens"
    verbose_name = _("Café-garden permits")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core.gdpr import register

        from . import gdpr
        from .models import AestheticRule, GardenApplication, GreenDiscountTier, Inspection, Season

        for model in (Season, AestheticRule, GreenDiscountTier, GardenApplication, Inspection):
            auditlog.register(model)
        register("gardens", exporter=gdpr.export_user_data, eraser=gdpr.erase_user_data)
