"""Pages of Moja Starówka: perks and partners (public), applying for a card, my card, the till, figures."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from centres.models import BusinessMembership
from centres.selectors import current_centre, staff_centres
from core import formats
from core.cache import public_page
from core.centre import staff_centre
from core.csv import csv_response
from core.dates import today
from core.forms import add_service_errors

from . import selectors, services, throttles
from .filters import PerkFilter
from .forms import ApplyForm, PerkForm, TillForm
from .models import Card, Partner, Perk, ProgrammeTerms
from .serializers import qr_svg

PAGE_SIZE = 20


# --- Public -------------------------------------------------------------------------------------------

@require_GET
@public_page("perks")
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
    terms = selectors.current_terms(centre)
    form = ApplyForm(request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name,
                                                    "city": centre.city,
                                                    "terms_version": terms.version if terms else ""})
    if request.method == "POST" and form.is_valid():
        try:
            card = services.apply_for_card(user=user, centre=centre, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if card.status == Card.Status.ACTIVE:
                messages.success(request, _("Your card is active. Welcome to Moja Starówka!"))
            else:
                messages.success(request, _("Thank you! The office will confirm your residence and activate "
                                            "your card."))
            return redirect("loyalty:my-card")
    return render(request, "loyalty/apply.html", {"form": form, "centre": centre, "terms": terms},
                  status=400 if form.errors else 200)


@require_GET
def terms(request: HttpRequest) -> HttpResponse:
    """The programme's terms in force (or an earlier version: ?version=), as the office published them."""
    centre = current_centre(request)
    versions = ProgrammeTerms.objects.filter(centre=centre) if centre else None
    wanted = request.GET.get("version")
    shown = (versions.filter(version=wanted).first() if wanted else selectors.current_terms(centre)) \
        if centre else None
    if wanted and shown is None:
        raise Http404
    return render(request, "loyalty/terms.html", {"terms": shown, "centre": centre})


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """The information notice on personal data of the programme (GDPR art. 13)."""
    return render(request, "loyalty/privacy.html", {"centre": current_centre(request)})


@login_required
@require_GET
def my_card(request: HttpRequest) -> HttpResponse:
    """The virtual card: the QR code of a live signed token and the 6-digit code under it (refreshed by
    static/loyalty/my_card.js before they run out), status, validity and the holder's own uses."""
    centre = current_centre(request)
    card = selectors.live_card(user=request.user, centre=centre) if centre else None
    minted = None
    if card is not None and card.is_valid_on(today()):
        minted = services.card_code(user=request.user, card=card)
    checks = selectors.own_checks(user=request.user, card=card) if card else []
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page")) if card else None
    return render(request, "loyalty/my_card.html", {
        "card": card, "minted": minted, "qr_svg": qr_svg(minted.token, card) if minted else "", "page": page,
        "centre": centre, "today": today(),
        "code_url": reverse("loyalty-card-code", args=[card.pk]) if minted else "",
    })


# --- The partner --------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def till(request: HttpRequest) -> HttpResponse:
    """The till, a cashier's page on a phone: scan the QR code (static/loyalty/till.js, camera and offline) or
    type the number and code. Without JavaScript the form posts here and the same service answers."""
    partners = list(selectors.partners_of(request.user))
    if not partners:
        raise Http404
    perks = list(Perk.objects.filter(partner__in=partners, pk__in=selectors.current_perks().values("pk"))
                 .select_related("partner__business").order_by("partner__business__name", "title_pl"))
    form = TillForm(request.POST or None, partners=partners, perks=perks)
    outcome = None
    status = 200
    partner = partners[0]
    if request.method == "POST" and form.is_valid():
        partner = next(p for p in partners if p.pk == form.cleaned_data["partner"])
        data = form.cleaned_data
        wait = None if data["token"] else throttles.typed_lookup_wait(user=request.user, partner=partner)
        if wait is not None:
            form.add_error(None, _("Too many typed numbers in a short time. Wait a few minutes or scan the QR "
                                   "code."))
            status = 429
        else:
            try:
                outcome = services.verify_card(user=request.user, partner=partner, token=data["token"],
                                               number=data["number"], code=data["code"], perk_id=data["perk"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                form = TillForm(partners=partners, perks=perks, initial={"partner": partner.pk})
    if form.errors and status == 200:
        status = 400
    perk_data = [{"id": p.pk, "partner": p.partner_id, "daily": p.daily_limit_per_card, "monthly": p.monthly_limit,
                  "weekdays": p.weekdays, "title": p.title} for p in perks]
    return render(request, "loyalty/till.html", {
        "form": form, "outcome": outcome, "partners": partners, "partner": partner,
        "shift": selectors.shift_checks(user=request.user, partner=partner),
        "perk_data": perk_data, "centre_slug": partner.centre.slug,
    }, status=status)


@require_GET
def till_service_worker(request: HttpRequest) -> HttpResponse:
    """The till's service worker, served under /moja-starowka/kasa/ so that its scope is the till (a script under
    /static/ could only control /static/). It lists the hashed static files to keep for offline use."""
    assets = [static(path) for path in ("portal/portal.css", "loyalty/loyalty.css", "loyalty/till.js",
                                        "vendor/jsqr/jsQR.js", "portal/icon-192.png")]
    body = render(request, "loyalty/till_sw.js", {"assets_json": json.dumps(assets),
                                                  "till_url": json.dumps(reverse("loyalty:till"))},
                  content_type="application/javascript; charset=utf-8")
    body["Cache-Control"] = "no-cache"
    return body


@require_GET
def till_manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest that makes the till installable on a phone's home screen."""
    return JsonResponse({
        "name": _("Moja Starówka till"), "short_name": _("Till"), "start_url": reverse("loyalty:till"),
        "scope": reverse("loyalty:till"), "display": "standalone", "background_color": "#ffffff",
        "theme_color": "#8c2f1b", "lang": request.LANGUAGE_CODE,
        "icons": [{"src": static("portal/icon-192.png"), "sizes": "192x192", "type": "image/png"}],
    }, content_type="application/manifest+json")


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
            add_service_errors(form, exc, fields={"weekdays": "weekday_list"})
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("The perk is saved."))
            return redirect(f"{reverse('loyalty:partner-perks')}?partner={partner.pk}")
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
    if request.GET.get("for") == "machines":  # plain numbers and ISO dates
        rows = table.as_dict()["rows"]
    else:  # for people: "12 240", "01.05.2027", "Tak"
        rows = [[formats.cell(value) for value in row] for row in table.rows]
    return csv_response(f"{centre.code.lower()}-moja-starowka-{key}.csv", table.columns, rows)
