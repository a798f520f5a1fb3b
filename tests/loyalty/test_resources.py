"""Office imports of partners and perks: row-level errors, centre scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loyalty.models import Partner, Perk
from office import imports
from tests.factories import BusinessFactory
from tests.loyalty.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("data.csv", text.encode("utf-8"), content_type="text/csv")


def run(staff, centre, key, text):
    job = imports.start_import(user=staff, centre=centre, dataset_key=key, upload=upload(text))
    job = imports.get_job(job["id"])
    if job["state"] == imports.State.CHECKED:
        imports.confirm_import(job_id=job["id"], user=staff)
        job = imports.get_job(job["id"])
    return job


def test_partners_are_imported_by_business_nip(staff, centre, other_centre):
    business = BusinessFactory(centre=centre)
    job = run(staff, centre, "partners", "business_nip,agreement_start,agreement_end,is_active\n"
                                         f"{business.nip},2026-01-01,2027-12-31,1\n")
    assert job["state"] == imports.State.DONE, job["errors"]
    partner = Partner.objects.get()
    assert (partner.business, partner.centre) == (business, centre)


def test_partner_rows_with_reversed_dates_or_a_foreign_nip_are_refused(staff, centre, other_centre):
    ours = BusinessFactory(centre=centre)
    foreign = BusinessFactory(centre=other_centre)
    job = run(staff, centre, "partners", "business_nip,agreement_start,agreement_end\n"
                                         f"{ours.nip},2026-01-01,2025-01-01\n{foreign.nip},2026-01-01,\n")
    assert job["state"] == imports.State.INVALID
    assert {e["row"] for e in job["errors"]} == {2, 3}
    assert not Partner.objects.exists()


def test_perks_are_imported_and_bad_values_reported_per_row(staff, centre):
    partner = PartnerFactory(centre=centre)
    nip = partner.business.nip
    header = "business_nip,title_pl,title_en,kind,value,valid_from,valid_until,daily_limit_per_card\n"
    bad = run(staff, centre, "perks", header + f"{nip},Zero,Zero,percent,0,2026-01-01,,\n"
                                               f"{nip},Dużo,Lots,percent,120,2026-01-01,,\n"
                                               f"{nip},Daty,Dates,amount,5,2026-02-01,2026-01-01,\n")
    assert bad["state"] == imports.State.INVALID
    assert {(e["row"], e["field"]) for e in bad["errors"]} >= {(2, "value"), (3, "value"), (4, "valid_until")}
    good = run(staff, centre, "perks", header + f"{nip},Kawa -10%,Coffee -10%,percent,10,2026-01-01,,1\n"
                                                f"{nip},Piernik gratis,Free gingerbread,free_item,,2026-01-01,,\n")
    assert good["state"] == imports.State.DONE, good["errors"]
    assert Perk.objects.filter(partner=partner).count() == 2
    assert Perk.objects.get(title_pl="Kawa -10%").weekdays == Perk.ALL_DAYS


def test_export_of_perks_names_the_partner_by_nip(staff, centre):
    partner = PartnerFactory(centre=centre)
    Perk.objects.create(partner=partner, title_pl="Rabat", kind="percent", value=5, valid_from="2026-01-01")
    content, _type, _name = imports.export_file(dataset_key="perks", centre=centre, fmt="csv")
    assert partner.business.nip in content.decode("utf-8-sig")
