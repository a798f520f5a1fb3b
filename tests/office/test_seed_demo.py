"""`make run`'s seeding: a short summary and the log-ins (e-mails only with -v 2), and demo data that looks lived
in — applications over the past weeks, a picture of its own for each mural and entry, distinct texts."""

import hashlib
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from contests.models import Entry
from gardens.models import GardenApplication
from murals.models import MuralPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)  # the e-mails are sent when the seeding's transaction commits
def test_seeding_prints_a_short_summary_and_the_log_ins_not_the_e_mails():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    assert len(printed.strip().splitlines()) < 25
    assert "Demo log-ins" in printed and "biuro@demo.starowka.pl" in printed
    assert "Subject:" not in printed and "Content-Type" not in printed
    assert "e-mails were sent by the seeding and not printed" in printed
    assert mail.outbox == [], "kept in memory during the seeding and dropped"


def test_waiting_applications_were_submitted_over_past_weeks(seeded):
    waiting = GardenApplication.objects.filter(status__in=GardenApplication.WAITING_STATUSES,
                                               submitted_at__isnull=False)
    assert waiting.exists()
    oldest = min(waiting.values_list("submitted_at", flat=True))
    assert (timezone.now() - oldest).days >= 7
    assert len({a.date() for a in GardenApplication.objects.values_list("created_at", flat=True)}) > 5


def test_each_mural_and_entry_has_a_picture_of_its_own(seeded):
    photos = [hashlib.sha256(p.image.read()).hexdigest() for p in MuralPhoto.objects.all()]
    assert len(photos) >= 5 and len(set(photos)) == len(photos)
    entries = Entry.objects.filter(garden__isnull=False).prefetch_related("images")
    assert all(e.images.exists() for e in entries)
    descriptions = [e.description for e in entries]
    assert len(set(descriptions)) >= min(len(descriptions), 6)
