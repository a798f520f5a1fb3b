"""Pages of Moja Starówka: perks and partners (public), applying for a card, my card, the till, figures."""

from __future__ import annotations

import csv
import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.throttling import SimpleRateThrottle

from centres.models import BusinessMembership
from centres.selectors import current_centre, staff_centres, today
from core.centre import staff_centre

from . import selectors, services
from .filters import PerkFilter
from .forms import ApplyForm, PerkForm, TillForm
from .models import Card, Partner, Perk

PAGE_SIZE = 20


# --- Public -------------------------------------------------------------------------------------------

@require_GET
def perk_list(request: HttpRequest) -> HttpResponse:
    """Every current perk of the chosen centre, filterable and searchable, paginated."""
    centre = current_centre(request)
    perks = selectors.current_perks().filter(partner__centre=centre) if centre else Perk.objects.none()
    filterset = PerkFilter(request.GET or None, queryset=perks)
    status = 200
    if filterset.is_bound and not filterset.is_valid():
        status, perks = 400, perks.none()
    elif filterset.is_bound:
        perks = filterset.qs
    query = (request.GET.get("q") or "").strip()
    if query:
        perks = perks.filter(Q(title_pl__icontains=query) | Q(title_en__icontains=query)
                             | Q(description_pl__icontains=query) | Q(description_en__icontains=query)
                             | Q(partner__business__name__icontains=query))
    page = Paginator(perks, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "loyalty/perk_list.html", {
        "page": page, "filter": filterset, "q": query, "querystring": params.urlencode(), "centre": centre,
        "has_card": selectors.has_active_card(user=request.user, centre=centre) if centre else False,
    }, status=status)


@require_GET
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(selectors.current_partners(), pk=pk)
    perks = selectors.current_perks().filter(partner=partner)
    return render(request, "loyalty/partner_detail.html", {"partner": partner, "perks": perks})


# --- The resident -------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    centre = current_centre(request)
    if centre is None:
        raise Http404
    existing = selectors.live_card(user=request.user, centre=centre)
    if existing is not None and existing.status in (Card.Status.PENDING, Card.Status.ACTIVE, Card.Status.SUSPENDED):
        messages.info(request, _("You already have a card in this centre."))
        return redirect("loyalty:my-card")
    user = request.user
    form = ApplyForm(request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name,
                                                    "city": centre.city})
    if request.method == "POST" and form.is_valid():
        try:
            card = services.apply_for_card(user=user, centre=centre, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            if card.status == Card.Status.ACTIVE:
                messages.success(request, _("Your card is active. Welcome to Moja Starówka!"))
            else:
                messages.success(request, _("Thank you! The office will confirm your residence and activate "
                                            "your card."))
            return redirect("loyalty:my-card")
    return render(request, "loyalty/apply.html", {"form": form, "centre": centre},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def my_card(request: HttpRequest) -> HttpResponse:
    """The virtual card: QR code (signed token) as inline SVG, status, validity and the holder's own uses."""
    centre = current_centre(request)
    card = selectors.live_card(user=request.user, centre=centre) if centre else None
    qr_svg = ""
    if card is not None and card.status == Card.Status.ACTIVE:
        qr_svg = segno.make(services.card_token(card), error="m").svg_inline(
            scale=5, border=2, dark="#000", light="#fff", title=_("QR code of card %(number)s")
            % {"number": card.formatted_number})
    checks = selectors.own_checks(user=request.user, card=card) if card else []
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page")) if card else None
    return render(request, "loyalty/my_card.html", {
        "card": card, "qr_svg": qr_svg, "page": page, "centre": centre, "today": today(),
        "history": selectors.card_history(card) if card else [],
    })


# --- The partner --------------------------------------------------------------------------------------

def _till_throttled(request: HttpRequest) -> bool:
    """The same limit as the API's `verify` scope, per user, so the page is no way round it."""
    from django.core.cache import cache

    rate = SimpleRateThrottle.THROTTLE_RATES.get("verify")
    if not rate:
        return False
    allowed, period = SimpleRateThrottle.parse_rate(None, rate)
    key = f"loyalty-till:{request.user.pk}"
    cache.add(key, 0, period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, period)
        count = 1
    return count > allowed


@login_required
@require_http_methods(["GET", "POST"])
def till(request: HttpRequest) -> HttpResponse:
    """Check a card in the browser: pick the business (if several), paste the scan or type the number."""
    partners = list(selectors.partners_of(request.user))
    if not partners:
        raise Http404
    perks = list(Perk.objects.filter(partner__in=partners, pk__in=selectors.current_perks().values("pk"))
                 .select_related("partner__business").order_by("partner__business__name", "title_pl"))
    form = TillForm(request.POST or None, partners=partners, perks=perks)
    outcome = None
    status = 200
    if request.method == "POST" and form.is_valid():
        if _till_throttled(request):
            form.add_error(None, _("Too many checks in a short time. Wait a minute and try again."))
            status = 429
        else:
            partner = next(p for p in partners if p.pk == form.cleaned_data["partner"])
            try:
                outcome = services.verify_card(user=request.user, partner=partner, code=form.cleaned_data["code"],
                                               perk_id=form.cleaned_data["perk"])
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                form = TillForm(partners=partners, perks=perks, initial={"partner": partner.pk})
    if form.errors and status == 200:
        status = 400
    return render(request, "loyalty/till.html", {"form": form, "outcome": outcome, "partners": partners},
                  status=status)


def _managed_partner(request: HttpRequest) -> tuple[Partner, list[Partner]]:
    partners = list(selectors.partners_of(request.user, BusinessMembership.MANAGING_ROLES))
    if not partners:
        raise Http404
    wanted = request.GET.get("partner") or request.POST.get("partner")
    partner = partners[0]
    if wanted:
        partner = next((p for p in partners if str(p.pk) == wanted), None)
        if partner is None:
            raise Http404
    return partner, partners


@login_required
@require_GET
def partner_figures(request: HttpRequest) -> HttpResponse:
    """The owner's or manager's own figures: aggregated, no cardholder's personal data."""
    partner, partners = _managed_partner(request)
    return render(request, "loyalty/partner_figures.html", {
        "partner": partner, "partners": partners, "figures": selectors.partner_figures(partner)})


@login_required
@require_GET
def partner_perks(request: HttpRequest) -> HttpResponse:
    partner, partners = _managed_partner(request)
    perks = partner.perks.order_by("-is_active", "title_pl")
    return render(request, "loyalty/partner_perks.html", {"partner": partner, "partners": partners,
                                                          "perks": perks, "today": today()})


@login_required
@require_http_methods(["GET", "POST"])
def perk_create(request: HttpRequest) -> HttpResponse:
    partner, _partners = _managed_partner(request)
    return _perk_form(request, partner=partner, perk=None)


@login_required
@require_http_methods(["GET", "POST"])
def perk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    managed = selectors.partners_of(request.user, BusinessMembership.MANAGING_ROLES)
    perk = get_object_or_404(Perk.objects.select_related("partner__business"), pk=pk, partner__in=managed)
    return _perk_form(request, partner=perk.partner, perk=perk)


def _perk_form(request: HttpRequest, *, partner: Partner, perk: Perk | None) -> HttpResponse:
    form = PerkForm(request.POST or None, instance=perk)
    if request.method == "POST" and form.is_valid():
        try:
            if perk is None:
                services.create_perk(partner=partner, by=request.user, **form.perk_fields())
            else:
                services.update_perk(perk=perk, by=request.user, **form.perk_fields())
        except ValidationError as exc:
            _errors_to_form(form, exc, aliases={"weekdays": "weekday_list"})
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The perk is saved."))
            return redirect(f"{_url('loyalty:partner-perks')}?partner={partner.pk}")
    return render(request, "loyalty/perk_form.html", {"form": form, "partner": partner, "perk": perk},
                  status=400 if form.errors else 200)


# --- The office ---------------------------------------------------------------------------------------

def _office_centre(request: HttpRequest) -> tuple:
    """One of the staff's centres (?centre=slug, remembered in the session); 404 for anyone not office staff of it."""
    centres = staff_centres(request.user).order_by("name")
    return staff_centre(request, centres), centres


@login_required
@require_GET
def office_figures(request: HttpRequest) -> HttpResponse:
    centre, centres = _office_centre(request)
    return render(request, "loyalty/office_figures.html", {"centre": centre, "centres": centres,
                                                           "figures": selectors.office_figures(centre)})


@login_required
@require_GET
def office_figures_csv(request: HttpRequest, key: str) -> HttpResponse:
    centre, _centres = _office_centre(request)
    table = next((t for t in selectors.office_figures(centre)["tables"] if t.key == key), None)
    if table is None:
        raise Http404
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads Polish letters in a CSV with a BOM
    writer = csv.writer(buffer)
    writer.writerow([str(c) for c in table.columns])
    writer.writerows(table.rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{centre.code.lower()}-moja-starowka-{key}.csv"'
    return response


# --- Helpers ------------------------------------------------------------------------------------------

def _errors_to_form(form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
