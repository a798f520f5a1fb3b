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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.gdpr import erase_personal_data, export_personal_data

from . import services
from .forms import DeleteAccountForm, SignUpForm
from .models import Business, Centre, User
from .selectors import business_list, businesses_of
from .tasks import EMAIL_VERIFY_SALT, send_email_verification


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
        return redirect(request.GET.get("next") or "account")
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
    return render(request, "centres/account.html", {
        "businesses": businesses_of(request.user).select_related("street"),
    })


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
    return redirect(request.POST.get("next") or "home")


def business_detail(request: HttpRequest, centre: str, slug: str) -> HttpResponse:
    business = get_object_or_404(business_list().filter(is_active=True), centre__slug=centre, slug=slug)
    return render(request, "centres/business_detail.html", {"business": business})


def business_directory(request: HttpRequest) -> HttpResponse:
    from .selectors import current_centre

    centre = current_centre(request)
    qs = business_list().filter(is_active=True, centre=centre) if centre else Business.objects.none()
    return render(request, "centres/business_list.html", {"businesses": qs})
