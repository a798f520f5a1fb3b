"""The register's rules: the status workflow with its history, writes by the centre's staff only, designs
submitted through the contest engine, and the winning design becoming a mural."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contests.models import Contest, Entry, EntryImage, Phase
from murals import services
from murals.models import Artist, Mural, MuralStatusChange
from tests.contests.factories import ContestFactory, EntryFactory, PhaseFactory
from tests.factories import BusinessFactory, StreetFactory, UserFactory, ZoneFactory
from tests.murals.factories import ArtistFactory, MuralFactory, WallFactory, huge_png, pdf, png

S = Mural.Status


def messages(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


@pytest.mark.django_db
class TestStatusWorkflow:
    def test_a_mural_goes_from_plan_to_completed_with_its_history(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.PLANNED)
        for to in (S.APPROVED, S.BEING_PAINTED, S.COMPLETED):
            mural = services.change_mural_status(mural=mural, to=to, by=staff, note=f"to {to}")
        assert mural.status == S.COMPLETED
        history = list(MuralStatusChange.objects.filter(mural=mural).values_list("from_status", "to_status", "by",
                                                                                  "note"))
        assert history == [(S.PLANNED, S.APPROVED, staff.pk, "to approved_by_conservator"),
                           (S.APPROVED, S.BEING_PAINTED, staff.pk, "to being_painted"),
                           (S.BEING_PAINTED, S.COMPLETED, staff.pk, "to completed")]

    def test_painting_cannot_start_without_the_conservators_approval(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.PLANNED)
        with pytest.raises(ValidationError) as exc:
            services.change_mural_status(mural=mural, to=S.BEING_PAINTED, by=staff)
        assert "not possible" in messages(exc)["status"][0]
        assert exc.value.error_dict["status"][0].code == "transition_not_allowed"
        mural.refresh_from_db()
        assert mural.status == S.PLANNED
        assert not MuralStatusChange.objects.filter(mural=mural).exists()

    def test_removed_is_final(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.REMOVED)
        for to in S.values:
            with pytest.raises(ValidationError):
                services.change_mural_status(mural=mural, to=to, by=staff, note="x")

    def test_unknown_status_is_refused(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.PLANNED)
        with pytest.raises(ValidationError) as exc:
            services.change_mural_status(mural=mural, to="painted_over", by=staff)
        assert messages(exc)["status"] == ["Unknown status."]

    @pytest.mark.parametrize("to", [S.NEEDS_MAINTENANCE, S.REMOVED])
    def test_maintenance_and_removal_need_a_reason(self, centre, staff, to):
        mural = MuralFactory(centre=centre, status=S.COMPLETED)
        with pytest.raises(ValidationError) as exc:
            services.change_mural_status(mural=mural, to=to, by=staff, note="  ")
        assert "note" in messages(exc)

    def test_removal_frees_the_trail_position(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.COMPLETED, trail_order=3)
        services.change_mural_status(mural=mural, to=S.REMOVED, by=staff, note="Budynek rozebrany")
        mural.refresh_from_db()
        assert mural.trail_order is None
        MuralFactory(centre=centre, trail_order=3)  # the place can be given to another mural

    def test_only_staff_of_the_centre_move_the_status(self, centre, other_staff, owner, resident):
        mural = MuralFactory(centre=centre, status=S.PLANNED)
        for person in (other_staff, owner, resident):
            with pytest.raises(PermissionDenied):
                services.change_mural_status(mural=mural, to=S.APPROVED, by=person)
        mural.refresh_from_db()
        assert mural.status == S.PLANNED

    def test_sponsors_are_emailed_once_per_change(self, centre, staff, django_capture_on_commit_callbacks):
        from murals.tasks import notify_status_change

        sponsor = BusinessFactory(centre=centre, email="kawiarnia@example.org")
        mural = MuralFactory(centre=centre, status=S.BEING_PAINTED)
        mural.sponsors.add(sponsor)
        with django_capture_on_commit_callbacks(execute=True):
            services.change_mural_status(mural=mural, to=S.COMPLETED, by=staff)
        assert [m.to for m in mail.outbox] == [["kawiarnia@example.org"]]
        assert mural.title in mail.outbox[0].subject
        change = MuralStatusChange.objects.get(mural=mural)
        assert notify_status_change(change.pk) == 0  # a retry sends nothing twice
        assert len(mail.outbox) == 1


@pytest.mark.django_db
class TestRegisterWrites:
    def test_staff_add_a_planned_mural_with_artists_and_sponsors(self, centre, zone, staff):
        artist = ArtistFactory(centre=centre)
        sponsor = BusinessFactory(centre=centre)
        mural = services.create_mural(centre=centre, by=staff, title="Flisacy na Wiśle", year=2025,
                                      area_m2=Decimal("45.555"), address="ul. Mostowa 10", zone=zone,
                                      artists=[artist], sponsors=[sponsor], latitude=Decimal("53.009"),
                                      longitude=Decimal("18.608"), trail_order=2)
        assert mural.status == S.PLANNED
        assert mural.slug == "flisacy-na-wisle"
        assert mural.area_m2 == Decimal("45.56")  # rounded half up once
        assert list(mural.artists.all()) == [artist]
        assert list(mural.sponsors.all()) == [sponsor]
        assert MuralStatusChange.objects.filter(mural=mural, to_status=S.PLANNED).exists()

    def test_slugs_stay_unique_within_the_centre(self, centre, staff):
        first = services.create_mural(centre=centre, by=staff, title="Kopernik", year=2024, area_m2=Decimal("10"),
                                      address="Szeroka 1")
        second = services.create_mural(centre=centre, by=staff, title="Kopernik", year=2025, area_m2=Decimal("10"),
                                       address="Szeroka 2")
        assert (first.slug, second.slug) == ("kopernik", "kopernik-2")

    def test_things_of_another_centre_are_refused(self, centre, other_centre, staff):
        with pytest.raises(ValidationError) as exc:
            services.create_mural(centre=centre, by=staff, title="X", year=2024, area_m2=Decimal("10"),
                                  address="Szeroka 1", zone=ZoneFactory(centre=other_centre),
                                  artists=[ArtistFactory(centre=other_centre)],
                                  sponsors=[BusinessFactory(centre=other_centre)],
                                  wall=WallFactory(centre=other_centre))
        assert set(messages(exc)) == {"zone", "artists", "sponsors", "wall"}

    def test_a_taken_trail_position_is_a_field_error(self, centre, staff):
        MuralFactory(centre=centre, trail_order=1)
        with pytest.raises(ValidationError) as exc:
            services.create_mural(centre=centre, by=staff, title="X", year=2024, area_m2=Decimal("10"),
                                  address="Szeroka 1", trail_order=1)
        assert "trail_order" in messages(exc)

    @pytest.mark.parametrize(("fields", "field"), [
        ({"area_m2": Decimal("0")}, "area_m2"),
        ({"latitude": Decimal("53.0")}, "longitude"),
        ({"latitude": Decimal("95"), "longitude": Decimal("18")}, "latitude"),
        ({"year": 1850}, "year"),
    ])
    def test_bad_values_are_field_errors(self, centre, staff, fields, field):
        values = {"title": "X", "year": 2024, "area_m2": Decimal("10"), "address": "Szeroka 1", **fields}
        with pytest.raises(ValidationError) as exc:
            services.create_mural(centre=centre, by=staff, **values)
        assert field in messages(exc)

    def test_a_mural_on_a_wall_takes_its_address_and_zone(self, centre, zone, staff):
        wall = WallFactory(centre=centre, zone=zone, address="ul. Podmurna 28")
        mural = services.create_mural(centre=centre, by=staff, title="Postacie Starówki", year=2025,
                                      area_m2=Decimal("30"), wall=wall)
        assert (mural.address, mural.zone) == ("ul. Podmurna 28", zone)

    def test_only_staff_of_the_centre_write(self, centre, other_staff, resident):
        for person in (other_staff, resident):
            with pytest.raises(PermissionDenied):
                services.create_mural(centre=centre, by=person, title="X", year=2024, area_m2=Decimal("1"),
                                      address="Szeroka 1")
            with pytest.raises(PermissionDenied):
                services.update_mural(mural=MuralFactory(centre=centre), by=person, title="Y")

    def test_update_changes_details_but_not_the_status(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.COMPLETED)
        mural = services.update_mural(mural=mural, by=staff, title="Nowy tytuł", status=S.REMOVED)
        mural.refresh_from_db()
        assert (mural.title, mural.status) == ("Nowy tytuł", S.COMPLETED)

    def test_artists_are_matched_by_name(self, centre):
        first = services.get_or_create_artist(centre=centre, name="Anna  Nowak")
        assert services.get_or_create_artist(centre=centre, name="anna nowak") == first
        assert Artist.objects.filter(centre=centre).count() == 1


@pytest.mark.django_db
class TestWalls:
    def test_the_zone_follows_the_street(self, centre, staff):
        street = StreetFactory(centre=centre, zone=ZoneFactory(centre=centre), name="Świętej Katarzyny")
        wall = services.save_wall(centre=centre, by=staff, address="ul. Świętej Katarzyny 4", street=street,
                                  width_m=Decimal("9"), height_m=Decimal("14"))
        assert wall.zone == street.zone
        assert wall.area_m2 == Decimal("126.00")

    def test_only_a_mural_design_contest_of_the_centre_links_to_a_wall(self, centre, other_centre, staff):
        garden = ContestFactory(centre=centre, kind=Contest.Kind.GREEN_GARDEN)
        foreign = ContestFactory(centre=other_centre, kind=Contest.Kind.MURAL_DESIGN)
        for contest in (garden, foreign):
            with pytest.raises(ValidationError) as exc:
                services.save_wall(centre=centre, by=staff, address="Szeroka 5", width_m=Decimal("5"),
                                   height_m=Decimal("5"), contest=contest)
            assert "contest" in messages(exc)

    def test_a_contest_belongs_to_one_wall(self, centre, staff, wall):
        with pytest.raises(ValidationError) as exc:
            services.save_wall(centre=centre, by=staff, address="Szeroka 5", width_m=Decimal("5"),
                               height_m=Decimal("5"), contest=wall.contest)
        assert "contest" in messages(exc)

    def test_outsiders_cannot_change_a_wall(self, wall, other_staff):
        with pytest.raises(PermissionDenied):
            services.save_wall(wall=wall, by=other_staff, address="Elsewhere")


@pytest.mark.django_db
class TestDesignSubmission:
    def test_an_artist_submits_a_design_with_images_and_a_pdf(self, wall, resident):
        entry = services.submit_design(wall=wall, by=resident, title="Drzewo i flisak", description="Zachowuje drzewo.",
                                       images=[(png("a.png"), "Szkic"), (png("b.png"), "")], attachment=pdf())
        assert entry.contest == wall.contest
        assert entry.submitted_by == resident
        assert entry.status == Entry.Status.SUBMITTED
        assert [i.alt_text for i in entry.images.all()] == ["Szkic", "Drzewo i flisak"]
        assert entry.attachment.name.endswith(".pdf")

    def test_a_design_needs_an_image(self, wall, resident):
        with pytest.raises(ValidationError) as exc:
            services.submit_design(wall=wall, by=resident, title="X", description="", images=[])
        assert "images" in messages(exc)

    def test_a_file_named_png_that_is_not_an_image_is_refused(self, wall, resident):
        fake = SimpleUploadedFile("design.png", b"<script>alert(1)</script>" * 10, content_type="image/png")
        with pytest.raises(ValidationError) as exc:
            services.submit_design(wall=wall, by=resident, title="X", description="", images=[fake])
        assert exc.value.error_dict["images"][0].code == "upload_type"
        assert not Entry.objects.exists()

    def test_an_oversized_image_is_refused(self, wall, resident, settings):
        settings.MAX_UPLOAD_BYTES = 50
        with pytest.raises(ValidationError) as exc:
            services.submit_design(wall=wall, by=resident, title="X", description="",
                                   images=[png(size=(200, 200))])
        assert "larger than" in messages(exc)["images"][0]

    def test_too_many_images_are_refused(self, wall, resident):
        with pytest.raises(ValidationError) as exc:
            services.submit_design(wall=wall, by=resident, title="X", description="",
                                   images=[png(f"{n}.png") for n in range(services.MAX_DESIGN_IMAGES + 1)])
        assert "images" in messages(exc)

    def test_the_attachment_must_be_a_pdf(self, wall, resident):
        with pytest.raises(ValidationError) as exc:
            services.submit_design(wall=wall, by=resident, title="X", description="", images=[png()],
                                   attachment=pdf("design.pdf", b"not a pdf at all, just text"))
        assert exc.value.error_dict["attachment"][0].code == "upload_type"

    def test_a_pdf_named_doc_is_stored_under_a_random_pdf_name(self, wall, resident):
        entry = services.submit_design(wall=wall, by=resident, title="X", description="", images=[png()],
                                       attachment=SimpleUploadedFile("design.doc", b"%PDF-1.4\n%%EOF\n"))
        name = entry.attachment.name.rsplit("/", 1)[-1]
        assert name.endswith(".pdf") and "design" not in name

    def test_a_design_page_html_with_png_bytes_is_stored_as_random_png(self, wall, resident):
        disguised = png("page.html")
        entry = services.submit_design(wall=wall, by=resident, title="X", description="", images=[disguised])
        stored = entry.images.get().image.name.rsplit("/", 1)[-1]
        assert re.fullmatch(r"[0-9a-f]{32}\.png", stored), stored

    def test_a_20000_by_20000_png_is_refused_not_a_crash(self, wall, resident):
        with pytest.raises(ValidationError) as exc:
            services.submit_design(wall=wall, by=resident, title="X", description="", images=[huge_png()])
        assert exc.value.error_dict["images"][0].code == "image_too_large"
        assert not Entry.objects.exists()

    def test_designs_are_refused_when_the_entries_phase_is_closed(self, wall, resident):
        Phase.objects.filter(contest=wall.contest).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
        with pytest.raises(ValidationError) as exc:
            services.submit_design(wall=wall, by=resident, title="X", description="", images=[png()])
        assert "not taking designs" in messages(exc)["__all__"][0]

    def test_a_wall_without_a_contest_takes_no_designs(self, centre, resident):
        wall = WallFactory(centre=centre)
        with pytest.raises(ValidationError):
            services.submit_design(wall=wall, by=resident, title="X", description="", images=[png()])

    def test_anonymous_people_cannot_submit(self, wall):
        from django.contrib.auth.models import AnonymousUser

        with pytest.raises(PermissionDenied):
            services.submit_design(wall=wall, by=AnonymousUser(), title="X", description="", images=[png()])


def winner(wall, *, user=None, images: int = 2) -> Entry:
    entry = EntryFactory(contest=wall.contest, status=Entry.Status.WINNER, title="Flisak pod drzewem",
                         description="Flisak w cieniu zachowanego drzewa.",
                         submitted_by=user or UserFactory(first_name="Ola", last_name="Malarska"))
    for n in range(images):
        EntryImage.objects.create(entry=entry, image=png(f"design-{n}.png"), alt_text=f"Projekt, widok {n + 1}",
                                  position=n)
    return entry


@pytest.mark.django_db
class TestMuralFromWinner:
    def test_the_winning_design_becomes_a_planned_mural(self, wall, staff):
        entry = winner(wall)
        mural = services.create_mural_from_winner(entry=entry, by=staff)
        assert mural.status == S.PLANNED
        assert (mural.title, mural.wall, mural.address, mural.zone, mural.year) == (
            "Flisak pod drzewem", wall, wall.address, wall.zone, wall.contest.year)
        assert mural.area_m2 == Decimal("100.00")  # 8 m × 12.5 m
        assert mural.winning_entry == entry
        assert [a.name for a in mural.artists.all()] == ["Ola Malarska"]
        photos = list(mural.photos.all())
        assert [p.alt_pl for p in photos] == ["Projekt, widok 1", "Projekt, widok 2"]
        assert all(p.credit == "Ola Malarska" for p in photos)
        assert photos[0].image.name != entry.images.first().image.name  # a copy, not the contest's file
        assert photos[0].image.read() == entry.images.first().image.open("rb").read()
        assert MuralStatusChange.objects.filter(mural=mural, by=staff).exists()

    def test_the_artist_is_reused_when_known(self, wall, staff):
        known = ArtistFactory(centre=wall.centre, name="Ola Malarska")
        mural = services.create_mural_from_winner(entry=winner(wall), by=staff)
        assert list(mural.artists.all()) == [known]

    @pytest.mark.parametrize("status", [s for s in Entry.Status.values if s != Entry.Status.WINNER])
    def test_only_a_winner_becomes_a_mural(self, wall, staff, status):
        entry = winner(wall)
        Entry.objects.filter(pk=entry.pk).update(status=status, ineligible_reason="x")
        with pytest.raises(ValidationError) as exc:
            services.create_mural_from_winner(entry=entry, by=staff)
        assert "winning" in messages(exc)["entry"][0]
        assert not Mural.objects.exists()

    def test_only_a_mural_design_contest_counts(self, centre, staff):
        contest = ContestFactory(centre=centre, kind=Contest.Kind.OTHER)
        entry = EntryFactory(contest=contest, status=Entry.Status.WINNER)
        with pytest.raises(ValidationError) as exc:
            services.create_mural_from_winner(entry=entry, by=staff)
        assert "mural-design" in messages(exc)["entry"][0]

    def test_a_winner_becomes_a_mural_once(self, wall, staff):
        entry = winner(wall)
        services.create_mural_from_winner(entry=entry, by=staff)
        with pytest.raises(ValidationError) as exc:
            services.create_mural_from_winner(entry=entry, by=staff)
        assert "already" in messages(exc)["entry"][0]
        assert Mural.objects.count() == 1

    def test_the_contest_needs_its_wall(self, centre, staff):
        contest = ContestFactory(centre=centre, kind=Contest.Kind.MURAL_DESIGN)
        entry = EntryFactory(contest=contest, status=Entry.Status.WINNER)
        with pytest.raises(ValidationError) as exc:
            services.create_mural_from_winner(entry=entry, by=staff)
        assert "wall" in messages(exc)["entry"][0]

    def test_only_staff_of_the_centre(self, wall, other_staff, resident):
        entry = winner(wall)
        for person in (other_staff, resident, entry.submitted_by):
            with pytest.raises(PermissionDenied):
                services.create_mural_from_winner(entry=entry, by=person)

    def test_an_erased_entrant_gives_an_unknown_artist(self, wall, staff):
        entry = winner(wall, images=0)
        Entry.objects.filter(pk=entry.pk).update(submitted_by=None)
        mural = services.create_mural_from_winner(entry=entry, by=staff)
        assert [a.name for a in mural.artists.all()] == ["Unknown artist"]


@pytest.fixture
def closed_contest_wall(centre, zone):
    contest = ContestFactory(centre=centre, kind=Contest.Kind.MURAL_DESIGN)
    PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW)
    return WallFactory(centre=centre, zone=zone, contest=contest)


@pytest.mark.django_db
def test_a_wall_whose_contest_has_no_open_entries_phase_is_not_open(closed_contest_wall):
    assert services.entries_open(closed_contest_wall) is False


# --- The workflow table (core.workflow) -------------------------------------------------------------------

MURAL_ALLOWED = {(a, b) for a, targets in services.MURAL_TRANSITIONS.items() for b in targets}


def test_the_mural_table_is_the_workflows():
    assert set(services.MURAL_WORKFLOW.moves) == MURAL_ALLOWED
    assert {m.target for m in services.MURAL_WORKFLOW.moves.values() if m.note_required} == {S.REMOVED,
                                                                                            S.NEEDS_MAINTENANCE}


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), sorted(MURAL_ALLOWED))
def test_every_allowed_mural_move_is_made_and_recorded(centre, staff, source, target):
    mural = MuralFactory(centre=centre, status=source)
    services.change_mural_status(mural=mural, to=target, by=staff, note="Pismo WKZ")
    mural.refresh_from_db()
    assert mural.status == target
    change = MuralStatusChange.objects.get(mural=mural)
    assert (change.from_status, change.to_status, change.by, change.note) == (source, target, staff, "Pismo WKZ")


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), [(a, b) for a in S.values for b in S.values
                                                if (a, b) not in MURAL_ALLOWED])
def test_every_other_mural_move_is_refused_on_status_with_one_code(centre, staff, source, target):
    mural = MuralFactory(centre=centre, status=source)
    with pytest.raises(ValidationError) as err:
        services.change_mural_status(mural=mural, to=target, by=staff, note="r")
    assert list(err.value.error_dict) == ["status"]
    assert err.value.error_dict["status"][0].code == "transition_not_allowed"
    assert not MuralStatusChange.objects.filter(mural=mural).exists()
