"""Pages of the mural register: the public gallery, a mural's page, the printable walking trail, and a wall's
page with its conditions, its design contest and the design form while the contest takes designs. Thin: the
selectors and services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from centres.selectors import current_centre
from core.forms import add_service_errors

from . import selectors, services
from .forms import DesignForm, GalleryFilterForm
from .models import Wall

PAGE_SIZE = 12


def gallery(request: HttpRequest) -> HttpResponse:
    """The centre's murals with photos, filtered by year, status and zone, twelve to a page."""
    centre = current_centre(request)
    murals = selectors.visible_murals(user=request.user)
    murals = murals.filter(centre=centre) if centre else murals.none()
    years = selectors.gallery_years(centre_id=centre.pk) if centre else []
    form = GalleryFilterForm(request.GET or None, centre=centre, years=years)
    if form.is_bound:
        form.is_valid()  # a filter that is not on offer is left out, the others apply
        data = form.cleaned_data
        if data.get("year"):
            murals = murals.filter(year=data["year"])
        if data.get("status"):
            murals = murals.filter(status=data["status"])
        if data.get("zone"):
            murals = murals.filter(zone=data["zone"])
    page = Paginator(murals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "murals/gallery.html", {"page": page, "form": form, "query": query.urlencode(),
                                                   "centre": centre})


def mural_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mural = get_object_or_404(selectors.visible_murals(user=request.user), pk=pk)
    return render(request, "murals/mural_detail.html", {"mural": mural})


def trail(request: HttpRequest) -> HttpResponse:
    """The walking trail of completed murals in order: a printable list with addresses and coordinates."""
    centre = current_centre(request)
    stops = list(selectors.trail(centre_id=centre.pk)) if centre else []
    return render(request, "murals/trail.html", {"stops": stops, "centre": centre})


def _wall_context(request: HttpRequest, wall: Wall, *, form: DesignForm | None = None) -> dict:
    contest = wall.contest
    now = timezone.now()
    entries_open = services.entries_open(wall)
    context = {"wall": wall, "contest": contest, "entries_open": entries_open,
               "murals": wall.public_murals if hasattr(wall, "public_murals") else []}
    if contest is not None:
        phases = sorted(contest.phases.all(), key=lambda p: p.starts_at)
        context.update(phases=phases, current_phase=next((p for p in phases if p.is_open(now)), None))
    if entries_open and request.user.is_authenticated:
        context["form"] = form or DesignForm()
    return context


def _wall(pk: int) -> Wall:
    return get_object_or_404(selectors.wall_list().prefetch_related("contest__phases"), pk=pk)


def wall_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wall = _wall(pk)
    return render(request, "murals/wall_detail.html", _wall_context(request, wall))


@login_required
@require_http_methods(["GET", "POST"])
def submit_design(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a design for the wall through the contest engine; errors re-render the wall's page."""
    wall = _wall(pk)
    if request.method == "GET":
        return redirect("murals:wall-detail", pk=wall.pk)
    form = DesignForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_design(wall=wall, by=request.user, title=data["title"], description=data["description"],
                                   images=[(f, data["alt_text"]) for f in data["images"]],
                                   attachment=data.get("attachment"))
            messages.success(request, _("Thank you: your design is submitted. The office will tell you by e-mail "
                                        "when the commission has looked at it."))
            return redirect("murals:wall-detail", pk=wall.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:  # e.g. a deactivated account: said on the form
            form.add_error(None, str(exc))
    context = _wall_context(request, wall, form=form)
    if "form" not in context:  # the contest closed meanwhile: say why on the page
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return render(request, "murals/wall_detail.html", context, status=400)
