"""Erasure that erases: a person seeded with a marker in every personal field, and in the traces the portal
leaves about them (audit log, admin log, e-mail ledger, failed log-ins, uploads), is erased; then every table
(every column of every row) and every file under MEDIA_ROOT is searched for the marker and none is found,
while the anonymous figures (checks, votes, permits) are unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from core.gdpr import erase_personal_data, export_personal_data, personal_field_specs
from core.models import SentNotification
from tests.factories import PASSWORD, BusinessFactory, MembershipFactory, StaffFactory, UserFactory
from tests.gardens.factories import ApplicationFactory
from tests.loyalty.factories import CardFactory, CheckFactory, PartnerFactory

MARKER = "Qx7mrk"  # short enough for a postal code


def tables_holding(marker: str) -> list[str]:
    hits = []
    needle = marker.lower()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = value.decode("utf-8", "replace") if isinstance(value, bytes | memoryview) else str(value)
                    if needle in text.lower():
                        hits.append(f"{table}.{column}")
    return sorted(set(hits))


def files_holding(marker: str) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
            and (marker.lower().encode() in p.read_bytes().lower() or marker.lower() in p.name.lower())]


def figures():
    from contests.models import Vote
    from gardens.models import GardenApplication
    from loyalty.models import Check

    return Check.objects.count(), Vote.objects.count(), GardenApplication.objects.count()


@pytest.fixture
def person(centre, other_centre):
    from contests.models import Nomination
    from tests.contests.factories import EntryFactory, VoteFactory

    user = UserFactory(email=f"anna.{MARKER}@example.org".lower(), first_name=f"Anna{MARKER}",
                       last_name=f"Nowak{MARKER}", phone=f"+48 600 {MARKER}")
    card = CardFactory(centre=centre, holder=user, first_name=f"Anna{MARKER}", last_name=f"Nowak{MARKER}",
                       address=f"ul. {MARKER} 1", postal_code=MARKER, city=f"Toruń{MARKER}",
                       email=f"card.{MARKER}@example.org".lower())
    partner = PartnerFactory(centre=centre)
    CheckFactory(partner=partner, card=card)
    MembershipFactory(user=user, business=BusinessFactory(centre=centre), role="till")
    application = ApplicationFactory(business=BusinessFactory(centre=centre), created_by=user)
    from gardens.models import Attachment

    Attachment.objects.create(application=application, kind=Attachment.Kind.PHOTO,
                              original_name=f"scan-{MARKER}.png", content_type="image/png", size=3,
                              file=SimpleUploadedFile("a.png", b"png"), uploaded_by=user)
    vote = VoteFactory(voter=user, round__contest__centre=centre)
    entry = EntryFactory(contest=vote.round.contest, submitted_by=user,
                         attachment=SimpleUploadedFile(f"{MARKER}.pdf", f"%PDF-1.4 {MARKER}".encode()))
    Nomination.objects.create(entry=entry, user=user, relation=Nomination.Relation.choices[0][0],
                              reason=f"I am {MARKER}")
    SentNotification.objects.create(key=f"welcome:{user.pk}", recipient=user.email,
                                    subject=f"Witaj Anna{MARKER}")
    SentNotification.objects.create(key=f"card:{card.pk}", recipient=card.email, subject="Twoja karta")
    # Traces: a failed and a good log-in (django-axes, the security log), an office edit in the admin.
    Client(REMOTE_ADDR="203.0.113.1").post("/konto/zaloguj/", {"username": user.email, "password": "wrong"})
    Client(REMOTE_ADDR="203.0.113.1").post("/konto/zaloguj/", {"username": user.email, "password": PASSWORD})
    staff = StaffFactory(centres=[centre])
    office = Client()
    office.force_login(staff)
    response = office.post(f"/admin/centres/user/{user.pk}/change/", {
        "email": user.email, "first_name": f"Anna{MARKER}", "last_name": f"Nowak{MARKER}2",
        "phone": f"+48 600 {MARKER}", "language": "pl"})
    assert response.status_code == 302
    user.refresh_from_db()
    return user


def test_marker_is_everywhere_before_and_nowhere_after_erasure(person):
    before = tables_holding(MARKER)
    print("marker before erasure:", before)
    assert {"centres_user.phone", "loyalty_card.postal_code", "core_sentnotification.recipient",
            "auditlog_logentry.changes", "django_admin_log.object_repr", "axes_accesslog.username",
            "core_securityevent.attempted", "contests_nomination.reason"} <= set(before), before
    assert files_holding(MARKER)
    counts = figures()

    erase_personal_data(user=person)

    assert tables_holding(MARKER) == []
    assert files_holding(MARKER) == []
    assert figures() == counts


def test_export_covers_every_registered_personal_field(person):
    data = export_personal_data(person)
    assert data["account"]["phone"] == person.phone
    exported = data["personal_fields"]
    for spec in personal_field_specs():
        rows = list(spec.rows(person))
        if rows:
            assert spec.model in exported, spec.model
            for name in spec.fields + spec.files:
                assert name in exported[spec.model][0], (spec.model, name)
    assert exported["loyalty.Card"][0]["postal_code"] == MARKER


def test_every_model_with_a_text_field_naming_a_person_is_registered():
    """A model holding a field called like personal data must list it (or be the business's, named here)."""
    from django.apps import apps

    personal_names = {"first_name", "last_name", "phone", "postal_code"}
    not_a_person = {"centres.Centre", "centres.Business"}  # an office's or a firm's contact details
    registered = {(spec.model, f) for spec in personal_field_specs() for f in spec.fields}
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        if label.split(".")[0] not in {"centres", "loyalty", "gardens", "contests", "murals", "core"}:
            continue
        for field in model._meta.get_fields():
            if getattr(field, "name", "") in personal_names and label not in not_a_person \
                    and (label, field.name) not in registered:
                missing.append(f"{label}.{field.name}")
    assert missing == []
