from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Moja Starówka loyalty programme")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from core.gdpr import register
        from core.tokens import register_identity_models

        from . import services
        from .models import Card, Partner, Perk, ProgrammeSettings

        auditlog.register(Card, exclude_fields=["secret"])
        for model in (Partner, Perk, ProgrammeSettings):
            auditlog.register(model)
        # The till's identity (the partners a till account acts for, their perks) is kept with the cached token.
        register_identity_models("centres.BusinessMembership", "centres.Business", "loyalty.Partner", "loyalty.Perk")
        register("moja_starowka", exporter=services.export_personal_data, eraser=services.erase_personal_data)
