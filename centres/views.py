"""Account pages: sign-up, e-mail verification, my account, personal data download and account deletion."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.gdpr import erase_personal_data, export_personal_data

from . import services
from .forms import DeleteAccountForm, SignUpForm
from .models import Business, BusinessMembership, Centre, User
from .selectors import business_list, businesses_of
from .tasks import EMAIL_VERIFY_SALT, send_email_verification


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` address of the request if it stays on this portal (same host, same scheme), else `fallback`.
    Every view that reads a `next` goes through here: no open redirect."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    from django.shortcuts import resolve_url

    return resolve_url(fallback)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.register_user(email=data["email"], password=data["password1"], first_name=data["first_name"],
                                      last_name=data["last_name"], language=request.LANGUAGE_CODE[:2])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! We have sent you a link to confirm your e-mail address."))
        return redirect(safe_next(request, "account"))
    return render(request, "registration/signup.html", {"form": form})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = signing.loads(token, salt=EMAIL_VERIFY_SALT, max_age=60 * 60 * 24 * 7)
    except signing.BadSignature:
        messages.error(request, _("This confirmation link is invalid or has expired."))
        return redirect("home")
    user = get_object_or_404(User, pk=payload["u"], email=payload["e"], is_active=True)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("account" if request.user.is_authenticated else "login")


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    send_email_verification.delay(request.user.pk)
    messages.info(request, _("If your address is not yet confirmed, a new link is on its way."))
    return redirect("account")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    from rest_framework.authtoken.models import Token

    from core.tokens import token_expires_at

    from .sessions import live_sessions

    token = Token.objects.filter(user=request.user).first()
    return render(request, "centres/account.html", {
        "businesses": businesses_of(request.user).select_related("street"),
        # till staff check cards; only owners and managers run the business's perks and figures
        "manages_business": request.user.memberships.filter(role__in=BusinessMembership.MANAGING_ROLES).exists(),
        "sessions": live_sessions(request.user),
        "current_session_key": request.session.session_key,
        "token": token,
        "token_expires_at": token_expires_at(token) if token else None,
    })


@login_required
@require_POST
def end_session(request: HttpRequest, pk: int) -> HttpResponse:
    from core.security import SecurityEvent, record

    from .sessions import end_session as end

    if end(user=request.user, session_id=pk):
        record(SecurityEvent.Kind.SESSION_ENDED, request=request, user=request.user, actor=request.user)
        messages.success(request, _("The session was ended."))
    return redirect("account")


@login_required
@require_POST
def end_tokens(request: HttpRequest) -> HttpResponse:
    from rest_framework.authtoken.models import Token

    from core.security import SecurityEvent, record

    deleted, _rows = Token.objects.filter(user=request.user).delete()
    if deleted:
        record(SecurityEvent.Kind.TOKEN_DELETED, request=request, user=request.user, actor=request.user)
    messages.success(request, _("Your API tokens were ended."))
    return redirect("account")


@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    """Right of access: everything the portal holds about the user, as a JSON download."""
    data = export_personal_data(request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2, default=str),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        erase_personal_data(user=request.user)
        logout(request)
        messages.success(request, _("Your account was deleted and your personal data erased."))
        return redirect("home")
    return render(request, "centres/delete_account.html", {"form": form})


@require_POST
def choose_centre(request: HttpRequest) -> HttpResponse:
    centre = get_object_or_404(Centre, slug=request.POST.get("centre"), is_active=True)
    request.session["centre"] = centre.slug
    return redirect(safe_next(request, "home"))


def business_detail(request: HttpRequest, centre: str, slug: str) -> HttpResponse:
    business = get_object_or_404(business_list().filter(is_active=True), centre__slug=centre, slug=slug)
    return render(request, "centres/business_detail.html", {"business": business})


def business_directory(request: HttpRequest) -> HttpResponse:
    from .selectors import current_centre

    centre = current_centre(request)
    qs = business_list().filter(is_active=True, centre=centre) if centre else Business.objects.none()
    return render(request, "centres/business_list.html", {"businesses": qs})
