"""The office's admin: scoped to the staff's centre, status moves through the workflow with a note, the winning
design made into a mural from the admin, and the CSV export of the register."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from contests.models import Entry, EntryImage
from murals.models import Mural, MuralStatusChange
from tests.contests.factories import EntryFactory
from tests.factories import PASSWORD, BusinessFactory
from tests.murals.factories import ArtistFactory, MuralFactory, MuralPhotoFactory, png

pytestmark = pytest.mark.django_db
S = Mural.Status


@pytest.fixture
def office(staff) -> Client:
    client = Client()
    assert client.login(email=staff.email, password=PASSWORD)
    return client


@pytest.mark.parametrize("name", ["mural", "wall", "artist", "muraldesignentry"])
def test_admin_pages_open_for_staff_and_show_only_their_centre(name, office, centre, other_centre, wall):
    mine = MuralFactory(centre=centre, title="Nasz mural", wall=wall)
    MuralPhotoFactory(mural=mine)
    mine.artists.add(ArtistFactory(centre=centre, name="Nasza artystka"))
    foreign = MuralFactory(centre=other_centre, title="Cudzy mural")
    foreign.artists.add(ArtistFactory(centre=other_centre, name="Cudza artystka"))
    entry = EntryFactory(contest=wall.contest, title="Nasz projekt")
    EntryFactory(contest__centre=other_centre, contest__kind="mural_design", title="Cudzy projekt")
    response = office.get(reverse(f"admin:murals_{name}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cudz" not in html
    obj = {"mural": mine, "wall": wall, "artist": mine.artists.get(), "muraldesignentry": entry}[name]
    assert office.get(reverse(f"admin:murals_{name}_change", args=[obj.pk])).status_code == 200
    assert office.get(reverse("admin:murals_mural_change", args=[foreign.pk])).status_code == 302  # not found


def test_status_actions_go_through_the_workflow_with_the_note(office, centre):
    planned = MuralFactory(centre=centre, status=S.PLANNED)
    completed = MuralFactory(centre=centre, status=S.COMPLETED)
    url = reverse("admin:murals_mural_changelist")
    office.post(url, {"action": "mark_approved_by_conservator", "_selected_action": [planned.pk, completed.pk],
                      "note": "Pismo WKZ"})
    planned.refresh_from_db()
    completed.refresh_from_db()
    assert planned.status == S.APPROVED  # allowed
    assert completed.status == S.COMPLETED  # refused: not a move of the workflow
    assert MuralStatusChange.objects.get(mural=planned).note == "Pismo WKZ"
    office.post(url, {"action": "mark_removed", "_selected_action": [completed.pk], "note": ""})
    completed.refresh_from_db()
    assert completed.status == S.COMPLETED  # removal needs a reason


def test_status_cannot_be_edited_in_the_form(office, centre):
    mural = MuralFactory(centre=centre, status=S.PLANNED)
    html = office.get(reverse("admin:murals_mural_change", args=[mural.pk])).content.decode()
    assert 'name="status"' not in html


def test_the_winning_design_becomes_a_mural_from_the_admin(office, wall, staff):
    entry = EntryFactory(contest=wall.contest, status=Entry.Status.WINNER, title="Zwycięski projekt")
    EntryImage.objects.create(entry=entry, image=png(), alt_text="Projekt")
    loser = EntryFactory(contest=wall.contest, status=Entry.Status.FINALIST)
    url = reverse("admin:murals_muraldesignentry_changelist")
    office.post(url, {"action": "mural_from_winner", "_selected_action": [entry.pk, loser.pk]})
    mural = Mural.objects.get()
    assert (mural.winning_entry, mural.status, mural.photos.count()) == (entry, S.PLANNED, 1)
    office.post(reverse("admin:murals_wall_changelist"), {"action": "mural_from_winner",
                                                          "_selected_action": [wall.pk]})
    assert Mural.objects.count() == 1  # once only


def test_csv_export_of_the_register(office, centre, zone):
    mural = MuralFactory(centre=centre, title="Flisacy na Wiśle", zone=zone, trail_order=1, year=2019)
    mural.artists.add(ArtistFactory(centre=centre, name="Kolektyw Wiślany"))
    mural.sponsors.add(BusinessFactory(centre=centre, name="Restauracja Flisak"))
    other = MuralFactory(centre=centre, title="Anioł", status=S.PLANNED)
    response = office.post(reverse("admin:murals_mural_changelist"),
                           {"action": "export_register_csv", "_selected_action": [mural.pk, other.pk]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))  # core.csv
    assert [r["title"] for r in rows] == ["Anioł", "Flisacy na Wiśle"]  # newest first
    row = next(r for r in rows if r["title"] == "Flisacy na Wiśle")
    assert (row["status"], row["year"], row["zone"], row["artists"], row["sponsors"], row["trail_order"]) == (
        "completed", "2019", zone.slug, "Kolektyw Wiślany", "Restauracja Flisak", "1")


def test_the_register_resource_exports_one_centre(centre, other_centre):
    from murals.resources import MuralResource

    MuralFactory(centre=centre, title="Nasz")
    MuralFactory(centre=other_centre, title="Cudzy")
    data = MuralResource(centre=centre).export()
    assert [row[0] for row in data] == ["Nasz"]


def test_walls_offer_only_mural_design_contests(office, centre):
    from tests.contests.factories import ContestFactory

    ContestFactory(centre=centre, kind="green_garden", title_en="Green garden")
    ContestFactory(centre=centre, kind="mural_design", title_en="Mural contest")
    html = office.get(reverse("admin:murals_wall_add")).content.decode()
    assert "Mural contest" in html and "Green garden" not in html


def test_a_mural_added_in_the_admin_starts_its_history(office, centre, staff):
    response = office.post(reverse("admin:murals_mural_add"), {
        "centre": centre.pk, "title": "Nowy mural", "slug": "nowy-mural", "address": "ul. Szeroka 1", "year": 2026,
        "area_m2": "12.00", "description_pl": "", "description_en": "",
        "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0", "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    mural = Mural.objects.get(slug="nowy-mural")
    assert list(MuralStatusChange.objects.filter(mural=mural).values_list("to_status", "by")) == [
        (S.PLANNED, staff.pk)]


def test_the_admin_form_refuses_links_to_another_centre(centre, other_centre):
    from tests.factories import StaffFactory, ZoneFactory

    both = StaffFactory(centres=[centre, other_centre])  # sees both centres' choices
    client = Client()
    assert client.login(email=both.email, password=PASSWORD)
    foreign_zone = ZoneFactory(centre=other_centre)
    response = client.post(reverse("admin:murals_mural_add"), {
        "centre": centre.pk, "title": "X", "slug": "x", "address": "ul. Szeroka 1", "year": 2026, "area_m2": "12.00",
        "zone": foreign_zone.pk, "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0",
        "history-TOTAL_FORMS": "0", "history-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    assert "This zone is not in the centre." in response.content.decode()
    assert not Mural.objects.exists()
