"""Imports and exports of the office: whole-file validation, row-level errors, centre scoping, progress."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from centres.demo import valid_nip
from centres.models import Business, FeeRate, Zone
from office import imports
from tests.factories import (
    BusinessFactory,
    CentreFactory,
    FeeRateFactory,
    StaffFactory,
    StreetFactory,
    UserFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

HEADER = "nip,name,street,building_number,zone,category,email,phone,website,is_active\n"


def csv_upload(text: str, name: str = "firms.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows: list[list], name: str = "firms.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def street(zone):
    return StreetFactory(zone=zone, centre=zone.centre, name="Szeroka")


def business_rows(street, n: int, start: int = 0) -> str:
    return "".join(f"{valid_nip(5_000_000 + i * 7919)},Kawiarnia {i},{street.name},{i + 1},,cafe,"
                   f"k{i}@example.org,,,1\n" for i in range(start, start + n))


def test_valid_csv_is_previewed_then_imported_into_the_staff_centre(staff, centre, street):
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                               upload=csv_upload(HEADER + business_rows(street, 3)))
    job = imports.get_job(job["id"])
    assert job["state"] == imports.State.CHECKED
    assert job["totals"] == {"new": 3}
    assert [row["type"] for row in job["preview"]] == ["new"] * 3
    assert not Business.objects.exists(), "the dry run writes nothing"

    imports.confirm_import(job_id=job["id"], user=staff)
    job = imports.get_job(job["id"])
    assert job["state"] == imports.State.DONE
    assert job["processed"] == job["total"] == 3
    firms = Business.objects.order_by("name")
    assert [b.centre_id for b in firms] == [centre.pk] * 3
    assert all(b.zone_id == street.zone_id for b in firms), "the zone follows the street"


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row_and_the_field(staff, centre, street):
    bad = f"{valid_nip(42)},Zła Kawiarnia,{street.name},1,,cafe,not-an-email,,,1\n"
    text = HEADER + business_rows(street, 2) + bad + business_rows(street, 1, start=5)
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses", upload=csv_upload(text))
    job = imports.get_job(job["id"])
    assert job["state"] == imports.State.INVALID
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(4, "email")]
    assert not Business.objects.exists()
    with pytest.raises(imports.ValidationError):
        imports.confirm_import(job_id=job["id"], user=staff)
    assert not Business.objects.exists()


def test_unknown_street_and_category_and_bad_nip_are_field_errors(staff, centre, street):
    text = HEADER + "123,Firma,Nieznana,1,,pizzeria,a@example.org,,,1\n"
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses", upload=csv_upload(text))
    errors = {e["field"]: e["messages"][0] for e in imports.get_job(job["id"])["errors"]}
    assert set(errors) == {"nip", "street", "category"}
    assert "Nieznana" in errors["street"]
    assert "pizzeria" in errors["category"]


def test_street_of_another_centre_is_not_found(staff, centre, other_centre, street):
    foreign = StreetFactory(zone=ZoneFactory(centre=other_centre), centre=other_centre, name="Obca")
    text = HEADER + f"{valid_nip(7)},Firma,{foreign.name},1,,cafe,a@example.org,,,1\n"
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses", upload=csv_upload(text))
    assert [e["field"] for e in imports.get_job(job["id"])["errors"]] == ["street"]


def test_same_nip_in_another_centre_is_a_new_business_not_an_update(staff, centre, other_centre, street):
    theirs = BusinessFactory(centre=other_centre)
    text = HEADER + f"{theirs.nip},Nasza,{street.name},1,,cafe,a@example.org,,,1\n"
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses", upload=csv_upload(text))
    imports.confirm_import(job_id=job["id"], user=staff)
    theirs.refresh_from_db()
    assert theirs.name != "Nasza"
    assert Business.objects.get(centre=centre).nip == theirs.nip


def test_existing_business_is_updated_by_nip(staff, centre, street):
    firm = BusinessFactory(centre=centre, zone=street.zone, street=street, name="Stara nazwa")
    text = HEADER + f"PL {firm.nip[:3]}-{firm.nip[3:]},Nowa nazwa,{street.name},1,,cafe,{firm.email},,,1\n"
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses", upload=csv_upload(text))
    assert imports.get_job(job["id"])["totals"] == {"update": 1}
    imports.confirm_import(job_id=job["id"], user=staff)
    firm.refresh_from_db()
    assert firm.name == "Nowa nazwa"


def test_xlsx_with_semicolon_free_numbers_imports(staff, centre, street):
    rows = [HEADER.strip().split(","), [int(valid_nip(99)), "Excel", street.name, 12, "", "kawiarnia",
                                        "x@example.org", "", "", True]]
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses", upload=xlsx_upload(rows))
    job = imports.get_job(job["id"])
    assert job["errors"] == [] and job["state"] == imports.State.CHECKED
    imports.confirm_import(job_id=job["id"], user=staff)
    firm = Business.objects.get()
    assert (firm.building_number, firm.category) == ("12", "cafe")


def test_semicolon_csv_with_bom_as_excel_saves_it(staff, centre, street):
    text = "\ufeff" + (HEADER + business_rows(street, 2)).replace(",", ";")
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses", upload=csv_upload(text))
    assert imports.get_job(job["id"])["totals"] == {"new": 2}


def test_missing_column_refuses_the_whole_file(staff, centre, street):
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                               upload=csv_upload("name,street\nFirma,Szeroka\n"))
    job = imports.get_job(job["id"])
    assert job["state"] == imports.State.INVALID
    assert job["errors"][0]["row"] is None
    assert "nip" in job["errors"][0]["messages"][0]


def test_other_formats_are_refused_on_the_form(staff, centre):
    with pytest.raises(imports.ValidationError) as exc:
        imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                             upload=SimpleUploadedFile("firms.pdf", b"%PDF-1.4"))
    assert "file" in exc.value.message_dict


def test_overlapping_rates_in_one_file_are_refused(staff, centre, zone):
    text = ("zone,use,price_pln,valid_from,valid_to,resolution\n"
            f"{zone.slug},cafe_garden,4.00,2026-01-01,2026-12-31,183/07\n"
            f"{zone.slug},cafe_garden,5.00,2026-06-01,,200/26\n")
    job = imports.start_import(user=staff, centre=centre, dataset_key="rates", upload=csv_upload(text, "r.csv"))
    job = imports.get_job(job["id"])
    assert [(e["row"], e["field"]) for e in job["errors"]] == [(3, "valid_from")]
    assert not FeeRate.objects.exists()


def test_zones_and_rates_import(staff, centre):
    zones = "slug,name,kind,description,max_garden_area_m2,min_pedestrian_width_m\nstarowka,Starówka,public_road,,60,1.5\n"
    job = imports.start_import(user=staff, centre=centre, dataset_key="zones", upload=csv_upload(zones, "z.csv"))
    imports.confirm_import(job_id=job["id"], user=staff)
    zone = Zone.objects.get(centre=centre, slug="starowka")
    assert zone.max_garden_area_m2 == Decimal("60")
    rates = "zone,use,price_pln,valid_from,valid_to,resolution\nstarowka,café garden,4.00,2026-01-01,,183/07\n"
    job = imports.start_import(user=staff, centre=centre, dataset_key="rates", upload=csv_upload(rates, "r.csv"))
    imports.confirm_import(job_id=job["id"], user=staff)
    rate = FeeRate.objects.get(zone=zone)
    assert (rate.use, rate.price_pln, rate.valid_from) == ("cafe_garden", Decimal("4.00"), dt.date(2026, 1, 1))


def test_progress_is_recorded_while_a_long_file_is_checked(staff, centre, street, monkeypatch):
    seen = []
    original = imports._save_job
    monkeypatch.setattr(imports, "_save_job", lambda job: (seen.append(job["processed"]), original(job)))
    imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                         upload=csv_upload(HEADER + business_rows(street, 60)))
    assert [n for n in seen if n][:3] == [25, 50, 60]


def test_export_is_scoped_to_the_centre_in_csv_and_xlsx(centre, other_centre):
    mine = BusinessFactory(centre=centre)
    BusinessFactory(centre=other_centre)
    content, content_type, name = imports.export_file(dataset_key="businesses", centre=centre, fmt="csv")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("nip;name;street")
    assert mine.nip in text and len(text.strip().splitlines()) == 2
    assert name.endswith(".csv") and content_type.startswith("text/csv")
    content, _type, _name = imports.export_file(dataset_key="businesses", centre=centre, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 2


def test_exported_file_imports_back_unchanged(staff, centre):
    FeeRateFactory(zone=ZoneFactory(centre=centre))
    for key in ("zones", "rates"):
        content, _t, name = imports.export_file(dataset_key=key, centre=centre, fmt="xlsx")
        job = imports.start_import(user=staff, centre=centre, dataset_key=key,
                                   upload=SimpleUploadedFile(name, content))
        assert imports.get_job(job["id"])["totals"] == {"skip": 1}, key


# --- The staff page -----------------------------------------------------------------------------------

def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_is_for_office_staff_only(centre, staff, other_staff, resident):
    url = reverse("office:imports")
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/konto/zaloguj/" in anonymous["Location"]
    assert client_as(resident).get(url).status_code == 404
    assert client_as(UserFactory(is_staff=True)).get(url).status_code == 404, "staff of no centre"
    assert client_as(staff).get(url).status_code == 200
    assert client_as(other_staff).get(url, {"centre": centre.slug}).status_code == 404


def test_upload_preview_confirm_through_the_page(staff, centre, street):
    client = client_as(staff)
    response = client.post(reverse("office:imports"), {"dataset": "businesses",
                                                       "file": csv_upload(HEADER + business_rows(street, 2))})
    assert response.status_code == 302
    job_url = response["Location"]
    page = client.get(job_url).content.decode()
    assert "Kawiarnia 0" in page and 'action="' + job_url + 'zatwierdz/"' in page
    status = client.get(job_url + "stan.json").json()
    assert status == {"state": "checked", "processed": 2, "total": 2, "finished": True}
    assert client.post(job_url + "zatwierdz/").status_code == 302
    assert Business.objects.filter(centre=centre).count() == 2
    client.post(job_url + "zatwierdz/")
    assert Business.objects.filter(centre=centre).count() == 2, "a second confirmation imports nothing"


def test_page_shows_row_and_column_of_each_error(staff, centre, street):
    client = client_as(staff)
    bad = HEADER + business_rows(street, 1) + f"{valid_nip(3)},X,{street.name},1,,cafe,zły,,,1\n"
    job_url = client.post(reverse("office:imports"), {"dataset": "businesses", "file": csv_upload(bad)})["Location"]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(job_url).content.decode()
    assert '<tr class="row-error"><td>3</td><td>email</td>' in page
    assert "zatwierdz/" not in page
    assert client.post(job_url + "zatwierdz/").status_code == 302
    assert not Business.objects.exists()


def test_bad_upload_shows_the_form_again_with_the_message(staff):
    response = client_as(staff).post(reverse("office:imports"), {"dataset": "businesses",
                                                                 "file": SimpleUploadedFile("a.txt", b"x")})
    assert response.status_code == 400
    assert "CSV" in response.content.decode()


def test_job_of_another_centre_is_not_found(staff, other_staff, centre, street):
    job = imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                               upload=csv_upload(HEADER + business_rows(street, 1)))
    url = reverse("office:import-job", args=[job["id"]])
    colleague = StaffFactory(centres=[centre])
    assert client_as(colleague).get(url).status_code == 200
    assert client_as(other_staff).get(url).status_code == 404
    assert client_as(other_staff).get(url + "stan.json").status_code == 404
    assert client_as(other_staff).post(url + "zatwierdz/").status_code == 404
    assert not Business.objects.exists()


def test_export_download_is_scoped(staff, other_staff, centre):
    BusinessFactory(centre=centre, name="Nasza Kawiarnia")
    url = reverse("office:export", args=["businesses", "csv"])
    response = client_as(staff).get(url)
    assert response.status_code == 200 and "Nasza Kawiarnia" in response.content.decode("utf-8-sig")
    assert "Nasza Kawiarnia" not in client_as(other_staff).get(url).content.decode("utf-8-sig")
    assert client_as(staff).get(reverse("office:export", args=["businesses", "pdf"])).status_code == 404
    assert client_as(staff).get(reverse("office:export", args=["nothing", "csv"])).status_code == 404


def test_admin_index_links_to_the_office_pages(staff):
    page = client_as(staff).get(reverse("admin:index")).content.decode()
    assert reverse("office:dashboard") in page and reverse("office:imports") in page


@pytest.mark.celery_worker
@pytest.mark.skipif(not settings.CELERY_BROKER_URL or connection.vendor != "postgresql",
                    reason="needs CELERY_BROKER_URL and PostgreSQL: a real worker checks the file")
def test_a_real_worker_checks_and_imports_a_file(transactional_db, settings, tmp_path):
    """The page polls the job while a separate worker process runs it: the task must be registered there."""
    centre = CentreFactory()
    staff = StaffFactory(centres=[centre])
    street = StreetFactory(zone=ZoneFactory(centre=centre), centre=centre, name="Szeroka")
    env = {**os.environ, "DEBUG": "1", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"imp-{uuid.uuid4().hex[:8]}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        job = imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                                   upload=csv_upload(HEADER + business_rows(street, 120)))
        assert job["state"] == imports.State.QUEUED
        states = _wait(job["id"], imports.State.FINISHED)
        assert states[-1] == imports.State.CHECKED, imports.get_job(job["id"])["errors"]
        assert not Business.objects.exists()
        imports.confirm_import(job_id=job["id"], user=staff)
        _wait(job["id"], (imports.State.DONE, imports.State.FAILED))
        assert imports.get_job(job["id"])["state"] == imports.State.DONE
        assert Business.objects.filter(centre=centre).count() == 120
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def _wait(job_id: str, final: tuple[str, ...]) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state = imports.get_job(job_id)["state"]
        if not seen or seen[-1] != state:
            seen.append(state)
        if state in final:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the worker did not finish the job: {seen}")


@pytest.mark.parametrize("key", sorted(imports.datasets()))
def test_office_staff_can_download_every_export(staff, key):
    """Each dataset names a real model, so the office role's permissions reach it (permits once did not)."""
    response = client_as(staff).get(reverse("office:export", args=[key, "csv"]))
    assert response.status_code == 200, key
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize(("name", "content", "code"), [
    ("firms.pdf", b"%PDF-1.4", "import_format"),
    ("firms.csv", "nip,name\n".encode("utf-16"), "import_unreadable"),
    ("firms.csv", b"", "import_unreadable"),
])
def test_a_refused_file_carries_a_code(staff, centre, name, content, code):
    with pytest.raises(imports.ValidationError) as refused:
        imports.start_import(user=staff, centre=centre, dataset_key="businesses",
                             upload=SimpleUploadedFile(name, content))
    assert [e.code for e in refused.value.error_dict["file"]] == [code]


def test_a_dataset_the_person_may_not_import_and_an_unchecked_job_carry_codes(staff, centre):
    with pytest.raises(imports.ValidationError) as refused:
        imports.start_import(user=staff, centre=centre, dataset_key="murals", upload=csv_upload(HEADER))
    assert [e.code for e in refused.value.error_dict["dataset"]] == ["import_not_allowed"]
    with pytest.raises(imports.ValidationError) as refused:
        imports.confirm_import(job_id="no-such-job", user=staff)
    assert [e.code for e in refused.value.error_list] == ["import_not_ready"]
