from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CentresConfig(AppConfig):
    name = "centres"
    verbose_name = _("Centres, zones and businesses")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Business, BusinessMembership, Centre, FeeRate, Street, User, Zone

        for model in (Centre, Zone, Street, FeeRate, Business, BusinessMembership):
            auditlog.register(model)
        auditlog.register(User, include_fields=["is_active", "is_staff", "is_superuser"],
                          m2m_fields={"staff_centres"})
        from django.contrib.auth import signals

        from core.gdpr import register_session_ender

        from . import sessions

        signals.user_logged_in.connect(sessions.on_logged_in, dispatch_uid="centres.sessions.login")
        signals.user_logged_out.connect(sessions.on_logged_out, dispatch_uid="centres.sessions.logout")
        register_session_ender(sessions.end_all_sessions)
