from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The ground floor: shared pieces every app may import; it imports no app of the portal."""

    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib.auth import signals
        from django.db.models.signals import pre_save
        from django.utils.module_loading import autodiscover_modules

        from . import security

        signals.user_logged_in.connect(security.on_logged_in, dispatch_uid="core.security.login")
        signals.user_login_failed.connect(security.on_login_failed, dispatch_uid="core.security.login_failed")
        signals.user_logged_out.connect(security.on_logged_out, dispatch_uid="core.security.logout")
        pre_save.connect(security.on_user_pre_save, sender=settings.AUTH_USER_MODEL,
                         dispatch_uid="core.security.user_pre_save")
        # Each app's personal_data.py registers its personal fields and how a person belongs to a centre
        # (core.gdpr, core.people): found by name, so that core imports no app.
        autodiscover_modules("personal_data")
        # Public-cache invalidation (core.cache) and the cached token identities (core.tokens, forgotten on every
        # token, person or membership change) listen to model signals in every process: web, Celery, commands.
        from . import cache, tokens  # noqa: F401
