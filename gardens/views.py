"""Pages of the gardens app: the public register and fee quote, the owner's applications, the permit PDF and the
public verification page. Thin: reads from selectors, writes through services."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from centres.selectors import current_centre, managed_businesses, staff_centre_ids
from core.cache import public_page
from core.forms import add_service_errors

from . import geometry, selectors, services
from .forms import (
    FIRST_STEP,
    STEP_OF_FIELD,
    STEPS,
    ApplicationForm,
    AttachmentForm,
    DeclarationsForm,
    FeeQuoteForm,
    MoveForm,
)
from .models import Attachment, GardenApplication, GreeneryKind, PaymentAccount
from .payments import account_state

Status = GardenApplication.Status
MOVE_VERBS = {
    Status.SUBMITTED: gettext_lazy("Send the application"), Status.WITHDRAWN: gettext_lazy("Withdraw the application"),
    Status.APPROVED: gettext_lazy("Approve and issue the permit"), Status.REJECTED: gettext_lazy("Refuse"),
    Status.CHANGES_REQUESTED: gettext_lazy("Ask for changes"), Status.REVOKED: gettext_lazy("Revoke the permit"),
}


@public_page("permits")
def register(request: HttpRequest) -> HttpResponse:
    """The public register of current permits; also the landing page (fee quote, apply)."""
    centre = current_centre(request)
    permits = selectors.current_permits(centre=centre) if centre else GardenApplication.objects.none()
    street = (request.GET.get("ulica") or "").strip()
    if street:
        permits = permits.filter(street__name__icontains=street)
    page = Paginator(permits, 50).get_page(request.GET.get("strona"))
    season = selectors.current_season(centre=centre) if centre else None
    return render(request, "gardens/register.html", {"page": page, "season": season, "street": street,
                                                     "rules": selectors.rule_list(season=season) if season else []})


def fee_quote(request: HttpRequest) -> HttpResponse:
    centre = current_centre(request)
    form = FeeQuoteForm(request.GET or None, centre=centre)
    quote = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            quote = services.quote_for_zone(zone=data["zone"], area_m2=data["area_m2"], start=data["start"],
                                            end=data["end"], greenery_kinds=data["greenery"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    return render(request, "gardens/fee_quote.html", {"form": form, "quote": quote,
                                                      "fee": quote.as_dict() if quote else None})


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = selectors.own_applications(request.user)
    page = Paginator(applications, 25).get_page(request.GET.get("strona"))
    return render(request, "gardens/application_list.html", {
        "page": page, "has_businesses": managed_businesses(request.user).exists()})


NEW_APPLICATION = "gardens_new_application"  # the session key holding a new application's first steps
STEP_TITLES = {
    "miejsce": gettext_lazy("Where the garden stands"),
    "mapa": gettext_lazy("The outline on the map"),
    "wymiary": gettext_lazy("Size, period and furnishings"),
}
STEP_ORDER = list(STEPS)


def _steps(application: GardenApplication | None, current: str | int, *, new: bool = False,
           done: set[str] | None = None) -> list[dict]:
    """The step indicator: every step of the owner's form, the current one marked, the others linked when open."""
    editable = application is not None and application.is_editable
    items = []
    for slug in STEP_ORDER:
        if new:
            url = reverse("gardens:apply") + f"?krok={slug}" if slug in (done or set()) else ""
        else:
            url = reverse("gardens:application-edit", args=[application.pk]) + f"?krok={slug}" if editable else ""
        items.append({"key": slug, "label": STEP_TITLES[slug], "url": url})
    for key, name, label in ((4, "gardens:application-declarations", gettext_lazy("Declarations")),
                             (5, "gardens:attachment-upload", gettext_lazy("Attachments")),
                             (6, "gardens:application-check", gettext_lazy("Check your answers and send"))):
        items.append({"key": key, "label": label,
                      "url": reverse(name, args=[application.pk]) if editable and not new else ""})
    position = next(i for i, item in enumerate(items) if item["key"] == current)
    for i, item in enumerate(items):
        item["state"] = "current" if i == position else ("done" if i < position else "")
    return items


def _step_of(request: HttpRequest) -> str:
    step = request.GET.get("krok") or FIRST_STEP
    return step if step in STEPS else FIRST_STEP


def _raw(form: ApplicationForm) -> dict[str, list[str]]:
    """What the owner typed in this step's fields, as lists of strings (for the session)."""
    return {name: [str(v) for v in form.data.getlist(form.add_prefix(name))] for name in form.fields}


def _initial(raw: dict[str, list[str]]) -> dict:
    initial = {}
    for name, values in raw.items():
        if name == "greenery":
            initial[name] = values
        elif name == "outline":
            initial[name] = json.loads(values[0]) if values and values[0] else None
        else:
            initial[name] = values[0] if values else ""
    return initial


def _elsewhere(form: ApplicationForm, exc: ValidationError, link) -> list[dict]:
    """Put the service's refusals on this step's fields; return the others, each linked to its own step."""
    here, other = {}, []
    for name, errors in getattr(exc, "error_dict", {}).items():
        if name in form.fields or name not in STEP_OF_FIELD:
            here[name] = errors
        else:
            step = STEP_OF_FIELD[name]
            other += [{"url": link(step, name), "label": STEP_TITLES[step], "message": m}
                      for e in errors for m in e.messages]
    if hasattr(exc, "error_dict"):
        if here:
            add_service_errors(form, ValidationError(here))
    else:
        add_service_errors(form, exc)
    return other


def _field_link(base: str):
    def link(step: str, name: str) -> str:
        anchor = "garden-map" if name == "outline" else f"id_{name}"
        return f"{base}?krok={step}#{anchor}"
    return link


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """A new application in steps: where, the outline on the map, the size and period (the draft is made when
    the third step is saved; the first two wait in the session). `?from=<permit id>` starts next season's from
    last season's permit in one step."""
    businesses = managed_businesses(request.user).select_related("centre").order_by("name")
    if not businesses.exists():
        messages.info(request, _("Only the owner or a manager of a business can apply for a café garden."))
        return redirect("gardens:register")
    if request.GET.get("from"):
        return _apply_from_permit(request, request.GET["from"])
    step = _step_of(request)
    draft: dict[str, list[str]] = request.session.get(NEW_APPLICATION, {})
    if step != FIRST_STEP and "business" not in draft:
        return redirect(reverse("gardens:apply") + f"?krok={FIRST_STEP}")
    business_id = (request.POST.get("business") if step == FIRST_STEP else None) or (draft.get("business") or [
        None])[0] or request.GET.get("business")
    chosen = businesses.filter(pk=business_id).first() if str(business_id or "").isdigit() else None
    first = chosen or businesses.first()
    centre = first.centre
    defaults = {"zone": first.zone, "street": first.street, "season": selectors.current_season(centre=centre)}
    form = ApplicationForm(request.POST or None, businesses=businesses, centre=centre, new=True, step=step,
                           initial={**defaults, **_initial(draft)})
    elsewhere: list[dict] = []
    if request.method == "POST" and form.is_valid():
        draft = {**draft, **_raw(form)}
        if step != "wymiary":
            request.session[NEW_APPLICATION] = draft
            return redirect(reverse("gardens:apply") + f"?krok={STEP_ORDER[STEP_ORDER.index(step) + 1]}")
        whole = QueryDict(mutable=True)
        for name, values in draft.items():
            whole.setlist(name, values)
        full = ApplicationForm(whole, businesses=businesses, centre=centre, new=True)
        link = _field_link(reverse("gardens:apply"))
        if not full.is_valid():
            elsewhere = [{"url": link(STEP_OF_FIELD.get(name, FIRST_STEP), name),
                          "label": STEP_TITLES[STEP_OF_FIELD.get(name, FIRST_STEP)], "message": message}
                         for name, errors in full.errors.items() if name not in form.fields for message in errors]
            for name, errors in full.errors.items():
                if name in form.fields and not form.has_error(name):
                    for message in errors:
                        form.add_error(name, message)
        else:
            try:
                application = services.create_application(business=full.cleaned_data["business"],
                                                           season=full.cleaned_data["season"], by=request.user,
                                                           **full.service_data())
            except ValidationError as exc:
                elsewhere = _elsewhere(form, exc, link)
            else:
                request.session.pop(NEW_APPLICATION, None)
                messages.success(request, _("The draft is saved. Declare the rules and attach a site plan, "
                                            "then submit."))
                return redirect("gardens:application-declarations", application.pk)
    season = selectors.current_season(centre=centre)
    done = {s for s in STEP_ORDER if all(name in draft for name in STEPS[s] if name in form.base_fields)}
    return render(request, "gardens/application_form.html", {
        "form": form, "new": True, "step": step, "step_title": STEP_TITLES[step], "elsewhere": elsewhere,
        "steps": _steps(None, step, new=True, done=done | {FIRST_STEP}),
        "drawn_area": _drawn_area(draft), **_map_context(season)})


def _drawn_area(draft: dict[str, list[str]]):
    """The area of the outline drawn in the map step (shown beside length × width), or None."""
    raw = (draft.get("outline") or [""])[0]
    if not raw:
        return None
    try:
        return geometry.area_m2(geometry.clean_outline(json.loads(raw)))
    except (ValueError, ValidationError):
        return None


def _map_context(season, exclude: int | None = None) -> dict:
    return {"map_tiles": settings.MAP_TILE_URL, "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "neighbours": selectors.neighbours_geojson(season=season, exclude=exclude) if season else
            {"type": "FeatureCollection", "features": []}}


def _apply_from_permit(request: HttpRequest, permit_id: str) -> HttpResponse:
    if not permit_id.isdigit():
        raise Http404
    permit = get_object_or_404(selectors.own_applications(request.user), pk=permit_id, status=Status.APPROVED)
    seasons = (permit.season.centre.garden_seasons.filter(year__gt=permit.season.year, is_open=True).order_by("year"))
    season = seasons.first()
    if season is None:
        messages.error(request, _("There is no later open season to apply for yet."))
        return redirect("gardens:application-detail", permit.pk)
    if request.method == "POST":
        try:
            application = services.start_from_permit(permit=permit, season=season, by=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("gardens:application-detail", permit.pk)
        messages.success(request, _("A draft for %(year)s was made from your permit. Check it and submit.")
                         % {"year": season.year})
        return redirect("gardens:application-detail", application.pk)
    return render(request, "gardens/apply_from.html", {"permit": permit, "season": season})


def _visible(request: HttpRequest, pk: int) -> GardenApplication:
    return get_object_or_404(selectors.visible_applications(request.user), pk=pk)


def _own(request: HttpRequest, pk: int) -> GardenApplication:
    """The owner's or manager's application; staff of the centre may see it (403 on a write), others 404."""
    application = _visible(request, pk)
    if not managed_businesses(request.user).filter(pk=application.business_id).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the business's owner or a manager may do this."))
    return application


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


def _detail_page(request: HttpRequest, pk: int, *, attachment_form: AttachmentForm | None = None,
                 status: int = 200) -> HttpResponse:
    application = get_object_or_404(selectors.application_detail().filter(
        pk__in=selectors.visible_applications(request.user).values("pk")), pk=pk)
    is_staff = application.season.centre_id in staff_centre_ids(request.user)
    moves = services.allowed_moves(application, request.user)
    declared = {d.rule_id for d in application.declarations.all()}
    missing_rules = [r for r in selectors.rule_list(season=application.season) if r.pk not in declared]
    account = PaymentAccount.objects.filter(application=application).prefetch_related("entries").first()
    return render(request, "gardens/application_detail.html", {
        "application": application, "fee": application.fee_breakdown, "moves": moves,
        "move_labels": {m: MOVE_VERBS.get(m, Status(m).label) for m in moves}, "is_staff": is_staff,
        "map_tiles": settings.MAP_TILE_URL, "map_attribution": settings.MAP_TILE_ATTRIBUTION,
        "account": account, "account_state": account_state(account) if account else None,
        "conflicts": selectors.conflicts_for(application) if is_staff else [],
        "attachment_form": (attachment_form or AttachmentForm()) if application.is_editable and not is_staff else None,
        "missing_rules": missing_rules, "greenery_choices": GreeneryKind.choices,
        "can_renew": application.status == Status.APPROVED and not is_staff,
        "evidence_photos": services.evidence_photos(application) if Status.APPROVED in moves else [],
        "evidence": selectors.greenery_evidence_of(application) if is_staff else [],
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of a draft's (or a sent-back application's) garden data: `?krok=miejsce|mapa|wymiary`."""
    application = _own(request, pk)
    if not application.is_editable:
        messages.error(request, _("Only a draft or an application sent back for changes can be edited."))
        return redirect("gardens:application-detail", pk)
    step = _step_of(request)
    form = ApplicationForm(request.POST or None, centre=application.season.centre, new=False, step=step,
                           initial=ApplicationForm.initial_from(application))
    elsewhere: list[dict] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(application=application, by=request.user, **form.service_data())
        except ValidationError as exc:
            application.refresh_from_db()
            elsewhere = _elsewhere(form, exc, _field_link(reverse("gardens:application-edit", args=[pk])))
        else:
            messages.success(request, _("Changes saved."))
            if step == "wymiary":
                return redirect("gardens:application-declarations", pk)
            following = STEP_ORDER[STEP_ORDER.index(step) + 1]
            return redirect(reverse("gardens:application-edit", args=[pk]) + f"?krok={following}")
    return render(request, "gardens/application_form.html", {
        "form": form, "new": False, "application": application, "step": step, "step_title": STEP_TITLES[step],
        "elsewhere": elsewhere, "steps": _steps(application, step),
        "drawn_area": application.outline_area_m2 if application.outline else None,
        **_map_context(application.season, application.pk)})


@login_required
@require_http_methods(["GET", "POST"])
def application_declarations(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own(request, pk)
    if not application.is_editable:
        messages.error(request, _("Only a draft or an application sent back for changes can be edited."))
        return redirect("gardens:application-detail", pk)
    rules = list(selectors.rule_list(season=application.season))
    existing = {d.rule_id: (d.complies, d.comment) for d in application.declarations.all()}
    form = DeclarationsForm(request.POST or None, rules=rules, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_declarations(application=application, by=request.user, declarations=form.declarations())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Declarations saved."))
            return redirect("gardens:attachment-upload", pk)
    return render(request, "gardens/declarations.html", {"form": form, "application": application,
                                                         "steps": _steps(application, 4)})


@login_required
@require_http_methods(["GET", "POST"])
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: the site plan and photos; an upload error stands at the file field, with the summary on top."""
    application = _own(request, pk)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(application=application, kind=form.cleaned_data["kind"],
                                    upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The file is attached."))
            return redirect("gardens:attachment-upload", pk)
    return render(request, "gardens/attachments.html", {
        "form": form, "application": application, "steps": _steps(application, 5),
        "attachments": application.attachments.all(),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def application_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 4, check your answers: everything on one page with a link to change each part, then "Send"."""
    application = get_object_or_404(selectors.application_detail().filter(
        pk__in=selectors.own_applications(request.user).values("pk")), pk=pk)
    problems = None
    if request.method == "POST":
        try:
            services.transition(application=application, to=Status.SUBMITTED, by=request.user)
        except ValidationError as exc:
            problems = exc
        else:
            messages.success(request, _("The application is sent to the office."))
            return redirect("gardens:application-detail", pk)
    elif application.is_editable:
        try:
            services.check_complete(application)
        except ValidationError as exc:
            problems = exc
    return render(request, "gardens/check_answers.html", {
        "application": application, "steps": _steps(application, 6), "fee": application.fee_breakdown,
        "problems": problems.message_dict if problems is not None and hasattr(problems, "error_dict") else {},
        **_map_context(application.season, application.pk),
    }, status=400 if problems is not None and request.method == "POST" else 200)


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """Only the owner's people and the centre's staff get the file; it is never a public media URL."""
    application = _visible(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, application=application)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                            filename=attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    application = _own(request, pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, application=application)
    try:
        services.delete_attachment(attachment=attachment, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("gardens:application-detail", pk)


@login_required
@require_POST
def application_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, withdraw (owner) or a staff decision; the workflow decides whether the move is allowed (403/400)."""
    application = _visible(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid action."))
        return redirect("gardens:application-detail", pk)
    data = form.cleaned_data
    try:
        services.transition(application=application, to=data["to"], by=request.user, note=data["note"],
                            confirmed_greenery=data["confirmed_greenery"], greenery_evidence=form.greenery_evidence())
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The application is now “%(status)s”.") % {"status": Status(data["to"]).label})
    return redirect("gardens:application-detail", pk)


@login_required
def permit_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The permit as issued: the PDF stored at approval (its SHA-256 is on the verification page), never re-rendered."""
    application = _visible(request, pk)
    if application.status not in (Status.APPROVED, Status.REVOKED) or not application.permit_pdf:
        raise Http404
    filename = application.permit_number.replace("/", "-")
    response = FileResponse(application.permit_pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=f"{filename}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def verify(request: HttpRequest, token) -> HttpResponse:
    """Public: is this permit valid, for what, until when — or was it revoked. Unknown tokens are 404."""
    permit = selectors.permit_by_token(str(token))
    if permit is None:
        raise Http404
    from centres.selectors import today

    day = today()
    if permit.status == Status.REVOKED:
        state = "revoked"
    elif day > permit.period_end:
        state = "expired"
    elif day < permit.period_start:
        state = "upcoming"
    else:
        state = "valid"
    return render(request, "gardens/verify.html", {"permit": permit, "state": state})
