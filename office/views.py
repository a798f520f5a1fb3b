"""The office's own pages, linked from the admin: the dashboard and the imports and exports.

Only office staff reach them (anyone else gets 404; an anonymous visitor is sent to log in), and each works on one
of the staff's centres, chosen with ?centre=<slug> and remembered in the session.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from centres.models import Centre
from centres.selectors import is_staff_of, staff_centres
from core.centre import staff_centre
from core.csv import csv_response
from core.forms import add_service_errors
from core.office import Dataset

from . import dashboard, imports


def office_view(view: Callable) -> Callable:
    """Resolve the staff's centre for the view, or refuse: log-in for the anonymous, 404 for everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_office_staff:
            raise Http404
        centres = staff_centres(request.user).order_by("name")
        centre = staff_centre(request, centres)
        request.office_centres = centres
        return view(request, centre, *args, **kwargs)

    return wrapper


# --- Dashboard ----------------------------------------------------------------------------------------

@require_GET
@office_view
def dashboard_page(request: HttpRequest, centre: Centre) -> HttpResponse:
    return render(request, "office/dashboard.html", {
        "centre": centre, "centres": request.office_centres, "headline": dashboard.headline(centre),
        "charts": list(dashboard.build(centre).values()),
    })


@require_GET
@office_view
def chart_csv(request: HttpRequest, centre: Centre, key: str) -> HttpResponse:
    """One chart's numbers as CSV (core.csv's one dialect): in the language's formats, or with plain decimals and
    ISO dates for machines (`?for=machines`)."""
    chart = dashboard.build(centre, only=key).get(key)
    if chart is None:
        raise Http404
    for_people = request.GET.get("for") != "machines"
    return csv_response(f"{centre.code.lower()}-{key}.csv", chart.columns, chart.csv_rows(for_people=for_people))


# --- Imports and exports ------------------------------------------------------------------------------

class ImportForm(forms.Form):
    dataset = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"),
                           help_text=gettext_lazy("The first row names the columns, as in an exported file."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, datasets: list[Dataset], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.key, d.label) for d in datasets]


@require_http_methods(["GET", "POST"])
@office_view
def imports_page(request: HttpRequest, centre: Centre) -> HttpResponse:
    datasets = imports.datasets_for(request.user)
    importable = [d for d in datasets if d.may_import(request.user)]
    form = ImportForm(request.POST or None, request.FILES or None, datasets=importable)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.start_import(user=request.user, centre=centre, dataset_key=form.cleaned_data["dataset"],
                                       upload=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("office:import-job", job_id=job["id"])
    return render(request, "office/imports.html", {
        "centre": centre, "centres": request.office_centres, "form": form, "datasets": datasets,
        "formats": list(imports.FORMATS),
    }, status=400 if form.errors else 200)


@require_GET
@office_view
def export(request: HttpRequest, centre: Centre, key: str, fmt: str) -> HttpResponse:
    spec = imports.datasets().get(key)
    if spec is None or fmt not in imports.FORMATS or spec not in imports.datasets_for(request.user):
        raise Http404
    content, content_type, filename = imports.export_file(dataset_key=key, centre=centre, fmt=fmt,
                                                          for_people=request.GET.get("for") == "people")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _job_of(request: HttpRequest, centre: Centre, job_id: str) -> dict:
    """A job of one of the staff's centres (a colleague may follow it); any other is 404."""
    job = imports.get_job(job_id)
    if job is None or not is_staff_of(request.user, job["centre_id"]):
        raise Http404
    return job


@require_GET
@office_view
def import_job(request: HttpRequest, centre: Centre, job_id: str) -> HttpResponse:
    job = _job_of(request, centre, job_id)
    spec = imports.datasets()[job["dataset"]]
    preview = [{**row, "label": imports.ROW_TYPES.get(row["type"], row["type"])} for row in job["preview"]]
    totals = [(imports.ROW_TYPES.get(kind, kind), n) for kind, n in job["totals"].items()]
    return render(request, "office/import_job.html", {
        "centre": centre, "job": job, "dataset": spec, "preview": preview, "totals": totals, "finished": job["state"] in
        imports.State.FINISHED, "status_url": reverse("office:import-status", args=[job_id]),
    })


@require_GET
@office_view
def import_status(request: HttpRequest, centre: Centre, job_id: str) -> JsonResponse:
    job = _job_of(request, centre, job_id)
    return JsonResponse({"state": job["state"], "processed": job["processed"], "total": job["total"],
                         "finished": job["state"] in imports.State.FINISHED})


@require_POST
@office_view
def import_confirm(request: HttpRequest, centre: Centre, job_id: str) -> HttpResponse:
    _job_of(request, centre, job_id)
    try:
        imports.confirm_import(job_id=job_id, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("office:import-job", job_id=job_id)
