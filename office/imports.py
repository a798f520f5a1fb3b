"""Imports and exports of the office's spreadsheets (django-import-export), scoped to one centre.

An import is a job: the uploaded file is stored, a Celery task checks it in a dry run (one transaction, rolled
back) and records a preview and the row-level errors; only when staff confirm a file without errors does the
task import it for real, again in one transaction that is rolled back if any row fails. The job's state and
progress live in the cache (Redis in production), so the page can poll it while a worker runs a long file.
Each app declares its Resource classes in `<app>/resources.py` and registers its datasets in `<app>/office.py`.
"""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import PurePath

import tablib
from celery import shared_task
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult

from centres.models import Centre
from core import office as registry
from core.csv import csv_bytes
from core.errors import Code, refusal
from core.office import Dataset
from core.resources import CentreResource

JOB_TTL = 60 * 60 * 24
PREVIEW_ROWS = 100
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_IMPORT_BYTES = 10 * 1024 * 1024


# --- The datasets on offer ----------------------------------------------------------------------------

def datasets() -> dict[str, Dataset]:
    """The datasets the apps registered (core.office.register_dataset in `<app>/office.py`)."""
    return registry.datasets()


def datasets_for(user) -> list[Dataset]:
    """The datasets which the user may at least export."""
    return [d for d in datasets().values() if d.may_export(user)]


# --- Reading and writing files ------------------------------------------------------------------------

def file_format(filename: str) -> str:
    ext = PurePath(filename).suffix.lower().lstrip(".")
    if ext not in FORMATS:
        raise refusal("file", _("Upload a CSV or XLSX file."), Code.IMPORT_FORMAT)
    return ext


def read_dataset(content: bytes, fmt: str) -> tablib.Dataset:
    """A CSV (UTF-8, with or without BOM; comma or semicolon, as Excel writes it in Poland) or an XLSX sheet."""
    try:
        if fmt == "csv":
            text = content.decode("utf-8-sig")
            try:
                dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
                delimiter = dialect.delimiter
            except csv.Error:
                delimiter = ","
            dataset = tablib.Dataset().load(text, format="csv", delimiter=delimiter)
        else:
            dataset = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
    except UnicodeDecodeError:
        raise refusal("file", _("The CSV file is not in UTF-8. Save it as “CSV UTF-8” and try again."),
                      Code.IMPORT_UNREADABLE) from None
    except Exception:
        raise refusal("file", _("The file could not be read as %(format)s.") % {"format": fmt.upper()},
                      Code.IMPORT_UNREADABLE) from None
    if not dataset.headers:
        raise refusal("file", _("The file is empty."), Code.IMPORT_UNREADABLE)
    return dataset


def export_file(*, dataset_key: str, centre, fmt: str, for_people: bool = False) -> tuple[bytes, str, str]:
    """The centre's rows of a dataset as (content, content type, file name); `for_people`: headers and choices
    in words of the active language (not re-importable), else column keys and codes."""
    spec = datasets()[dataset_key]
    resource = spec.resource_class()(centre=centre)
    data = resource.export_for_people() if for_people else resource.export()
    content = csv_bytes(data.headers, data) if fmt == "csv" else data.export("xlsx")
    stamp = timezone.localdate().isoformat()
    suffix = "-do-czytania" if for_people else ""
    return content, FORMATS[fmt], f"{centre.code.lower()}-{dataset_key}-{stamp}{suffix}.{fmt}"


# --- Import jobs --------------------------------------------------------------------------------------

class State:
    QUEUED = "queued"
    CHECKING = "checking"
    CHECKED = "checked"  # dry run passed: ready to confirm
    INVALID = "invalid"  # dry run found errors: nothing written
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"  # the real run found errors and rolled back: nothing written

    FINISHED = (CHECKED, INVALID, DONE, FAILED)


def _key(job_id: str) -> str:
    return f"office-import:{job_id}"


def get_job(job_id: str) -> dict | None:
    return cache.get(_key(job_id))


def _save_job(job: dict) -> None:
    cache.set(_key(job["id"]), job, JOB_TTL)


def start_import(*, user, centre, dataset_key: str, upload) -> dict:
    """Store the upload and queue its dry run. Refuses unknown datasets, other formats and oversized files."""
    spec = datasets().get(dataset_key)
    if spec is None or not spec.may_import(user):
        raise refusal("dataset", _("This dataset cannot be imported."), Code.IMPORT_NOT_ALLOWED)
    fmt = file_format(upload.name)
    if upload.size > MAX_IMPORT_BYTES:
        raise refusal("file", _("The file is larger than %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // 2**20},
                      Code.TOO_LARGE)
    content = upload.read()
    read_dataset(content, fmt)  # refuse an unreadable file at once, on the form
    job_id = uuid.uuid4().hex
    path = default_storage.save(f"office-imports/{job_id}.{fmt}", ContentFile(content))
    job = {"id": job_id, "dataset": dataset_key, "centre_id": centre.pk, "user_id": user.pk,
           "filename": PurePath(upload.name).name, "path": path, "format": fmt, "state": State.QUEUED,
           "processed": 0, "total": 0, "totals": {}, "errors": [], "preview": [], "headers": [],
           "created": timezone.now().isoformat(), "confirmed_by": None}
    _save_job(job)
    run_import.delay(job_id, dry_run=True)  # the job lives in the cache and storage, not the DB
    return job


def confirm_import(*, job_id: str, user) -> dict:
    """Queue the real import of a checked file; a second confirmation of the same job is refused."""
    job = get_job(job_id)
    if job is None or job["state"] != State.CHECKED:
        raise ValidationError(_("This file is not ready to import: check it again."), code=str(Code.IMPORT_NOT_READY))
    if not cache.add(f"{_key(job_id)}:confirmed", user.pk, JOB_TTL):
        raise ValidationError(_("This file is already being imported."), code=str(Code.IMPORT_NOT_READY))
    job.update(state=State.IMPORTING, processed=0, confirmed_by=user.pk)
    _save_job(job)
    run_import.delay(job_id, dry_run=False)
    return job


@shared_task(time_limit=30 * 60)
def run_import(job_id: str, dry_run: bool) -> str | None:
    """Check (dry run) or import a stored file in one transaction, recording progress, preview and errors."""
    job = get_job(job_id)
    if job is None:
        return None
    spec = datasets()[job["dataset"]]
    centre = Centre.objects.get(pk=job["centre_id"])
    job["state"] = State.CHECKING if dry_run else State.IMPORTING
    _save_job(job)

    def progress(done: int, total: int) -> None:
        job.update(processed=done, total=total)
        _save_job(job)

    try:
        with default_storage.open(job["path"], "rb") as fh:
            dataset = read_dataset(fh.read(), job["format"])
    except (ValidationError, OSError) as exc:
        job.update(state=State.INVALID if dry_run else State.FAILED,
                   errors=[{"row": None, "field": "", "messages": _messages(exc)}])
        _finish(job)
        return job["state"]

    job.update(total=len(dataset), headers=list(dataset.headers))
    resource = spec.resource_class()(centre=centre, progress=progress)
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True,
                                  rollback_on_validation_errors=True)
    errors = _errors(result, resource)
    totals = {k: v for k, v in result.totals.items() if v}
    preview = [{"row": n + 1, "type": row.import_type, "values": [_cell(v) for v in values]}
               for n, (row, values) in enumerate(zip(result.rows, dataset, strict=False), start=1)
               if n <= PREVIEW_ROWS]
    job.update(errors=errors, totals=totals, preview=preview, processed=len(dataset))
    if errors:
        job["state"] = State.INVALID if dry_run else State.FAILED
    else:
        job["state"] = State.CHECKED if dry_run else State.DONE
    _finish(job)
    return job["state"]


def _finish(job: dict) -> None:
    if job["state"] != State.CHECKED:  # keep the file only while it waits for confirmation
        default_storage.delete(job["path"])
    _save_job(job)


def _errors(result, resource: CentreResource) -> list[dict]:
    """Row-level errors as {row, field, messages}; rows are numbered as in the spreadsheet (the header is row 1)."""
    columns = {f.attribute: f.column_name for f in resource.fields.values()}
    out: list[dict] = [{"row": None, "field": "", "messages": [str(e.error)]} for e in result.base_errors]
    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            field = "" if attribute == NON_FIELD_ERRORS else columns.get(attribute, attribute)
            out.append({"row": invalid.number + 1, "field": field, "messages": [str(m) for m in messages]})
    for number, row_errors in result.row_errors():
        for error in row_errors:
            out.append({"row": number + 1, "field": "", "messages": [str(error.error)]})
    return sorted(out, key=lambda e: (e["row"] or 0, e["field"]))


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [str(m) for messages in exc.message_dict.values() for m in messages]
    return [str(m) for m in exc.messages]


def _cell(value) -> str:
    return "" if value is None else str(value)


ROW_TYPES = {
    RowResult.IMPORT_TYPE_NEW: gettext_lazy("new"),
    RowResult.IMPORT_TYPE_UPDATE: gettext_lazy("update"),
    RowResult.IMPORT_TYPE_SKIP: gettext_lazy("unchanged"),
    RowResult.IMPORT_TYPE_INVALID: gettext_lazy("error"),
    RowResult.IMPORT_TYPE_ERROR: gettext_lazy("error"),
    RowResult.IMPORT_TYPE_DELETE: gettext_lazy("delete"),
}
