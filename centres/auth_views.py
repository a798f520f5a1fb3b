"""Log-in, token and password-reset views with their guards: django-axes counts failures per account and
address (so an attacker elsewhere cannot lock the real user out); password-reset requests are limited per
address and per e-mail address, answered the same way whether or not the address has an account."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache

from core.net import client_ip
from core.security import SecurityEvent, record

from .forms import EmailAuthenticationForm


class LoginView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def _count(key: str, *, window: int = 3600) -> int:
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, window)
        return 1


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        ip = client_ip(self.request) or "unknown"
        by_ip = _count(f"pwreset:ip:{ip}")
        by_email = _count(f"pwreset:email:{email}")
        if by_ip > settings.PASSWORD_RESET_LIMIT_PER_IP or by_email > settings.PASSWORD_RESET_LIMIT_PER_EMAIL:
            record(SecurityEvent.Kind.PASSWORD_RESET_THROTTLED, request=self.request, attempted=email)
            # The same answer as a sent link: the limit tells nothing about the account.
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(self.get_success_url())
        record(SecurityEvent.Kind.PASSWORD_RESET_REQUESTED, request=self.request, attempted=email)
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, plus: the person's other sessions end (Django keeps this one) and their API tokens go
    (core.security does that on any password change)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        from .models import SignedInSession
        from .sessions import _store

        current = self.request.session.session_key
        for row in SignedInSession.objects.filter(user=self.request.user).exclude(session_key=current):
            _store()(session_key=row.session_key).delete()
            row.delete()
        return response
