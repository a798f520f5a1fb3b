"""The review workflow: one table of moves, who may make each, history, permit numbers, notifications."""

import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from gardens import services
from gardens.models import ApplicationHistory, GardenApplication, PermitCounter
from gardens.services import TRANSITIONS
from tests.factories import MembershipFactory, StaffFactory
from tests.gardens.factories import ApplicationFactory, RuleFactory, TierFactory, photo_evidence, ready_application

S = GardenApplication.Status
ALL_KINDS = ["tall_plants", "planters", "hanging"]


def approve(application, owner, staff, kinds=()):
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    return services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=kinds,
                               greenery_evidence=photo_evidence(application, kinds))


def test_the_whole_path_to_a_permit_records_history(business, owner, staff):
    application = ready_application(business=business)
    approve(application, owner, staff)
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.permit_number == f"{business.centre.code}/OG/2027/0001"
    moves = list(application.history.values_list("from_status", "to_status", "by_id"))
    assert moves == [("draft", "submitted", owner.pk), ("submitted", "approved", staff.pk)]


def test_changes_requested_then_resubmitted(business, owner, staff):
    application = ready_application(business=business)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    services.transition(application=application, to=S.CHANGES_REQUESTED, by=staff, note="Dołącz zdjęcie parasoli.")
    services.update_application(application=application, by=owner, umbrella_colour="écru")
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    assert GardenApplication.objects.get(pk=application.pk).status == S.SUBMITTED
    assert application.history.filter(note="Dołącz zdjęcie parasoli.").exists()


ALL_MOVES = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.parametrize(("source", "target"), [m for m in ALL_MOVES if m not in TRANSITIONS])
def test_every_move_outside_the_table_is_refused(business, owner, staff, source, target):
    number = "X/OG/2027/0009" if source in (S.APPROVED, S.REVOKED) else None
    application = ready_application(business=business, status=source, permit_number=number)
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=target, by=staff, note="x", confirmed_greenery=[])
    assert exc.value.error_dict["status"][0].code == "transition_not_allowed"
    with pytest.raises(ValidationError):
        services.transition(application=application, to=target, by=owner, note="x")
    assert GardenApplication.objects.get(pk=application.pk).status == source


def test_an_unknown_status_is_refused(business, owner):
    application = ready_application(business=business)
    with pytest.raises(ValidationError):
        services.transition(application=application, to="published", by=owner)


@pytest.mark.parametrize(("source", "target"), [m for m, actor in TRANSITIONS.items() if actor == "staff"])
def test_owner_cannot_make_staff_moves(business, owner, source, target):
    number = "X/OG/2027/0009" if source == S.APPROVED else None
    application = ready_application(business=business, status=source, permit_number=number)
    with pytest.raises(PermissionDenied):
        services.transition(application=application, to=target, by=owner, note="x")


@pytest.mark.parametrize(("source", "target"), [m for m, actor in TRANSITIONS.items() if actor == "owner"])
def test_staff_cannot_make_owner_moves(business, staff, source, target):
    application = ready_application(business=business, status=source)
    with pytest.raises(PermissionDenied):
        services.transition(application=application, to=target, by=staff)


def test_staff_of_another_centre_cannot_review(business, owner, other_staff):
    application = ready_application(business=business)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    with pytest.raises(PermissionDenied):
        services.transition(application=application, to=S.APPROVED, by=other_staff)


@pytest.mark.parametrize("target", [S.CHANGES_REQUESTED, S.REJECTED])
def test_asking_for_changes_and_rejecting_need_a_note(business, staff, target):
    application = ready_application(business=business, status=S.IN_REVIEW)
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=target, by=staff, note="  ")
    assert "note" in exc.value.message_dict


def test_revocation_needs_a_reason_and_keeps_it(business, owner, staff):
    application = ready_application(business=business)
    approve(application, owner, staff)
    with pytest.raises(ValidationError):
        services.transition(application=application, to=S.REVOKED, by=staff)
    services.transition(application=application, to=S.REVOKED, by=staff, note="Plandeka i sztuczna trawa.")
    application.refresh_from_db()
    assert application.status == S.REVOKED
    assert application.revocation_reason == "Plandeka i sztuczna trawa."
    assert application.revoked_at is not None
    assert application.permit_number  # the number stays on a revoked permit


def test_owner_withdraws_before_a_decision(business, owner, staff):
    application = ready_application(business=business)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    services.transition(application=application, to=S.WITHDRAWN, by=owner)
    assert GardenApplication.objects.get(pk=application.pk).status == S.WITHDRAWN


def test_submitting_needs_every_rule_declared_and_a_site_plan(business, owner):
    application = ApplicationFactory(business=business)
    RuleFactory(season=application.season, code="bez-reklam", title_en="No advertising")
    from tests.gardens.factories import rate

    rate(application.zone)
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=S.SUBMITTED, by=owner)
    assert set(exc.value.message_dict) == {"declarations", "attachments"}
    assert "No advertising" in exc.value.message_dict["declarations"][0]  # the rule's words, never its slug


def test_submitting_revalidates_the_data(business, owner):
    application = ready_application(business=business)
    GardenApplication.objects.filter(pk=application.pk).update(pedestrian_width_m=Decimal("0.5"))
    with pytest.raises(ValidationError) as exc:
        services.transition(application=application, to=S.SUBMITTED, by=owner)
    assert "pedestrian_width_m" in exc.value.message_dict


def test_only_confirmed_greenery_counts_on_the_permit(business, owner, staff):
    application = ready_application(business=business, declared_tall_plants=True, declared_planters=True,
                                     declared_hanging=True)
    TierFactory(season=application.season, min_kinds=3, percent=Decimal("30"))
    TierFactory(season=application.season, min_kinds=2, percent=Decimal("10"))
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    application.refresh_from_db()
    assert application.fee_discount_percent == Decimal("30")  # the estimate on declared greenery
    services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=["planters", "hanging"],
                        greenery_evidence=photo_evidence(application, ["planters", "hanging"]))
    application.refresh_from_db()
    assert application.confirmed_greenery_kinds() == {"planters", "hanging"}
    assert application.fee_discount_percent == Decimal("10")
    assert application.fee_total == Decimal("2160.00")  # 20 m² × 30 days × 4 PLN − 10 %


def test_unknown_confirmed_greenery_is_refused(business, staff):
    application = ready_application(business=business, status=S.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=["moss"])


def test_permit_numbers_are_consecutive_per_centre_and_year(business, owner, staff, other_staff, other_centre):
    first, second = ready_application(business=business), ready_application(business=business)
    approve(first, owner, staff)
    approve(second, owner, staff)
    other_owner = MembershipFactory(business__centre=other_centre).user
    foreign = ready_application(business=other_owner.businesses.get())
    approve(foreign, other_owner, other_staff)
    numbers = sorted(GardenApplication.objects.values_list("permit_number", flat=True))
    code, other_code = business.centre.code, other_centre.code
    assert numbers == sorted([f"{code}/OG/2027/0001", f"{code}/OG/2027/0002", f"{other_code}/OG/2027/0001"])


def test_a_failed_approval_leaves_no_gap(business, owner, staff, monkeypatch):
    first, second = ready_application(business=business), ready_application(business=business)
    services.transition(application=first, to=S.SUBMITTED, by=owner)
    with pytest.raises(ValidationError):
        services.transition(application=first, to=S.APPROVED, by=staff, confirmed_greenery=["moss"])
    approve(second, owner, staff)
    assert GardenApplication.objects.get(pk=second.pk).permit_number.endswith("/0001")


def test_every_move_mails_the_business_once(business, owner, staff, django_capture_on_commit_callbacks):
    application = ready_application(business=business)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(application=application, to=S.SUBMITTED, by=owner)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([business.email, owner.email])
    from gardens.tasks import notify_status_change

    entry = application.history.last()
    assert notify_status_change(application.pk, entry.pk) == 0  # a re-run sends nothing
    assert len(mail.outbox) == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_staff_approving_at_once_only_one_succeeds(centre, business, owner):
    application = ready_application(business=business, declared_tall_plants=True, declared_planters=True,
                                    declared_hanging=True)
    first_staff, second_staff = StaffFactory(centres=[centre]), StaffFactory(centres=[centre])
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.transition(application=GardenApplication(pk=application.pk), to=S.APPROVED, by=user,
                                confirmed_greenery=ALL_KINDS, greenery_evidence=photo_evidence(application, ALL_KINDS))
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=act, args=(u,)) for u in (first_staff, second_staff)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert ApplicationHistory.objects.filter(application=application, to_status=S.APPROVED).count() == 1
    assert PermitCounter.objects.get(centre=centre, year=2027).last_number == 1
