"""Entries and nominations: phases, the green-garden plug-in, the status workflow and its e-mails."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from contests import services
from contests.models import Entry, EntryStatusChange, Nomination, Phase
from tests.contests.factories import ContestFactory, EntryFactory, PhaseFactory, approved_garden
from tests.factories import UserFactory


def png(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "design.pdf", content: bytes = b"%PDF-1.4\n%%EOF\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.django_db
class TestSubmitting:
    def test_design_with_images_and_pdf_is_submitted_while_entries_are_open(self, contest, resident):
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        entry = services.submit_entry(contest=contest, by=resident, title="Kopernik w ogrodzie",
                                      description="Projekt muralu.", images=[(png(), "Szkic projektu")],
                                      attachment=pdf())
        assert entry.status == Entry.Status.SUBMITTED
        assert entry.submitted_by == resident
        assert [i.alt_text for i in entry.images.all()] == ["Szkic projektu"]
        assert entry.attachment.name.endswith(".pdf")

    def test_entry_refused_when_entries_phase_is_closed(self, contest, resident):
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES, starts_at=timezone.now() - timezone.timedelta(days=5),
                     ends_at=timezone.now() - timezone.timedelta(days=1))
        with pytest.raises(ValidationError, match="not open"):
            services.submit_entry(contest=contest, by=resident, title="Late", description="", images=[])

    def test_entry_refused_after_staff_closed_the_phase_early(self, contest, resident, staff):
        phase = PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        services.close_phase_early(phase=phase, by=staff)
        with pytest.raises(ValidationError, match="not open"):
            services.submit_entry(contest=contest, by=resident, title="Late", description="", images=[])

    def test_outsider_staff_cannot_close_a_phase(self, contest, other_staff):
        phase = PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        with pytest.raises(PermissionDenied):
            services.close_phase_early(phase=phase, by=other_staff)

    def test_attachment_that_is_not_a_pdf_is_refused(self, contest, resident):
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        with pytest.raises(ValidationError) as err:
            services.submit_entry(contest=contest, by=resident, title="X", description="", images=[],
                                  attachment=pdf(content=b"MZ not a pdf"))
        assert "attachment" in err.value.message_dict

    def test_image_that_is_not_an_image_is_refused(self, contest, resident):
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        fake = SimpleUploadedFile("x.png", b"hello", content_type="image/png")
        with pytest.raises(ValidationError) as err:
            services.submit_entry(contest=contest, by=resident, title="X", description="", images=[fake])
        assert "images" in err.value.message_dict
        assert not Entry.objects.exists()

    def test_other_contest_kind_refuses_a_garden(self, contest, resident, centre):
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        with pytest.raises(ValidationError) as err:
            services.submit_entry(contest=contest, by=resident, title="X", description="", images=[],
                                  garden=approved_garden(centre=centre))
        assert "garden" in err.value.message_dict


@pytest.mark.django_db
class TestGardenNominations:
    def test_nominations_of_one_garden_merge_into_one_entry_counting_nominators(self, garden_contest, centre):
        garden = approved_garden(centre=centre)
        first, second = UserFactory(), UserFactory()
        e1 = services.nominate_garden(contest=garden_contest, garden=garden, by=first,
                                      relation=Nomination.Relation.RESIDENT)
        e2 = services.nominate_garden(contest=garden_contest, garden=garden, by=second,
                                      relation=Nomination.Relation.VISITOR)
        assert e1.pk == e2.pk
        assert Entry.objects.filter(contest=garden_contest).count() == 1
        assert e1.nominations.count() == 2
        assert garden.business.name in e1.title

    def test_a_person_nominates_a_garden_once(self, garden_contest, centre, resident):
        garden = approved_garden(centre=centre)
        services.nominate_garden(contest=garden_contest, garden=garden, by=resident)
        with pytest.raises(ValidationError, match="already nominated"):
            services.nominate_garden(contest=garden_contest, garden=garden, by=resident)

    def test_garden_without_a_permit_cannot_enter(self, garden_contest, centre, resident):
        garden = approved_garden(centre=centre, status="submitted")
        with pytest.raises(ValidationError) as err:
            services.nominate_garden(contest=garden_contest, garden=garden, by=resident)
        assert "no permit" in err.value.message_dict["garden"][0]

    def test_garden_with_last_seasons_permit_cannot_enter(self, garden_contest, centre, resident):
        garden = approved_garden(centre=centre, year=2025)
        with pytest.raises(ValidationError, match="no permit"):
            services.nominate_garden(contest=garden_contest, garden=garden, by=resident)

    def test_garden_of_another_centre_cannot_enter(self, garden_contest, other_centre, resident):
        garden = approved_garden(centre=other_centre)
        with pytest.raises(ValidationError, match="no permit"):
            services.nominate_garden(contest=garden_contest, garden=garden, by=resident)

    def test_green_garden_entry_needs_a_garden(self, garden_contest, resident):
        with pytest.raises(ValidationError) as err:
            services.submit_entry(contest=garden_contest, by=resident, title="X", description="", images=[])
        assert "garden" in err.value.message_dict

    def test_garden_with_three_greenery_kinds_becomes_eligible(self, garden_contest, centre, resident, staff):
        entry = services.nominate_garden(contest=garden_contest, garden=approved_garden(centre=centre), by=resident)
        entry = services.check_eligibility(entry=entry, by=staff)
        assert entry.status == Entry.Status.ELIGIBLE

    def test_garden_business_is_emailed_too(self, garden_contest, centre, resident, staff,
                                            django_capture_on_commit_callbacks):
        garden = approved_garden(centre=centre)
        entry = services.nominate_garden(contest=garden_contest, garden=garden, by=resident)
        with django_capture_on_commit_callbacks(execute=True):
            services.check_eligibility(entry=entry, by=staff)
        assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, garden.business.email])

    def test_garden_lacking_a_greenery_kind_is_ineligible_with_the_reason(self, garden_contest, centre, resident,
                                                                          staff):
        garden = approved_garden(centre=centre, greenery=("tall_plants", "planters"))
        entry = services.nominate_garden(contest=garden_contest, garden=garden, by=resident)
        entry = services.check_eligibility(entry=entry, by=staff)
        assert entry.status == Entry.Status.INELIGIBLE
        assert "hanging" in entry.ineligible_reason
        with pytest.raises(ValidationError, match="lacks confirmed greenery"):
            services.set_entry_status(entry=entry, to=Entry.Status.ELIGIBLE, by=staff)


@pytest.mark.django_db
class TestStatusWorkflow:
    def test_allowed_move_is_recorded_and_entrant_is_emailed_once(self, contest, staff,
                                                                  django_capture_on_commit_callbacks):
        entry = EntryFactory(contest=contest, status=Entry.Status.ELIGIBLE)
        with django_capture_on_commit_callbacks(execute=True):
            services.set_entry_status(entry=entry, to=Entry.Status.SHORTLISTED, by=staff, reason="Good")
        change = EntryStatusChange.objects.get(entry=entry)
        assert (change.from_status, change.to_status, change.by) == ("eligible", "shortlisted", staff)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [entry.submitted_by.email]
        from contests.tasks import notify_entry_status

        assert notify_entry_status(change.pk) == 0  # a retry sends nothing more
        assert len(mail.outbox) == 1

    def test_move_outside_the_workflow_is_refused(self, contest, staff):
        entry = EntryFactory(contest=contest, status=Entry.Status.SUBMITTED)
        with pytest.raises(ValidationError, match="not possible") as err:
            services.set_entry_status(entry=entry, to=Entry.Status.WINNER, by=staff)
        assert err.value.error_dict["status"][0].code == "transition_not_allowed"
        entry.refresh_from_db()
        assert entry.status == Entry.Status.SUBMITTED

    def test_ineligible_needs_a_reason(self, contest, staff):
        entry = EntryFactory(contest=contest, status=Entry.Status.SUBMITTED)
        with pytest.raises(ValidationError) as err:
            services.set_entry_status(entry=entry, to=Entry.Status.INELIGIBLE, by=staff, reason=" ")
        assert err.value.error_dict["note"][0].code == "note_required"

    def test_database_refuses_ineligible_without_reason(self, contest):
        from django.db import IntegrityError

        with pytest.raises(IntegrityError):
            EntryFactory(contest=contest, status=Entry.Status.INELIGIBLE, ineligible_reason="")

    def test_staff_of_another_centre_cannot_change_status(self, contest, other_staff, resident):
        entry = EntryFactory(contest=contest, status=Entry.Status.SUBMITTED)
        for user in (other_staff, resident):
            with pytest.raises(PermissionDenied):
                services.set_entry_status(entry=entry, to=Entry.Status.ELIGIBLE, by=user)

    def test_contest_of_any_kind_uses_the_same_engine(self, centre, staff, resident):
        contest = ContestFactory(centre=centre, kind="mural_design")
        PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES)
        entry = services.submit_entry(contest=contest, by=resident, title="Mural", description="", images=[png()])
        entry = services.check_eligibility(entry=entry, by=staff)
        assert entry.status == Entry.Status.ELIGIBLE
