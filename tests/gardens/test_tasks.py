"""Daily digest of waiting applications to staff, reminders 14 days before a permit ends; both idempotent."""

import datetime as dt

import time_machine
from django.core import mail

from gardens import services, tasks
from gardens.models import GardenApplication
from tests.factories import StaffFactory
from tests.gardens.factories import ApplicationFactory, ready_application

S = GardenApplication.Status


def test_digest_goes_to_each_staff_member_once_a_day(business, owner, staff, other_staff, centre):
    application = ready_application(business=business)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    colleague = StaffFactory(centres=[centre])
    mail.outbox.clear()
    assert tasks.send_digests(on=dt.date(2027, 5, 2)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, colleague.email])
    assert application.business.name in mail.outbox[0].body
    assert tasks.send_digests(on=dt.date(2027, 5, 2)) == 0  # the same day again: nothing
    assert tasks.send_digests(on=dt.date(2027, 5, 3)) == 2  # the next morning: a new digest


def test_no_digest_when_nothing_waits(business, staff):
    ApplicationFactory(business=business)  # a draft does not wait for the office
    assert tasks.send_digests(on=dt.date(2027, 5, 2)) == 0


def test_reminder_14_days_before_a_permit_ends_once(business, owner, staff):
    permit = ready_application(business=business)  # ends 30 June 2027
    services.transition(application=permit, to=S.SUBMITTED, by=owner)
    services.transition(application=permit, to=S.APPROVED, by=staff, confirmed_greenery=[])
    permit.refresh_from_db()
    mail.outbox.clear()
    assert tasks.send_end_reminders(on=dt.date(2027, 6, 15)) == 0  # 15 days before
    assert tasks.send_end_reminders(on=dt.date(2027, 6, 16)) == 2  # business address and the owner
    assert tasks.send_end_reminders(on=dt.date(2027, 6, 17)) == 0
    assert permit.permit_number in mail.outbox[0].subject


def test_daily_runs_both(business, owner, staff):
    application = ready_application(business=business)
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    with time_machine.travel(dt.datetime(2027, 5, 2, 7, 0)):
        result = tasks.daily()
    assert result == {"digests": 1, "reminders": 0, "payments": 0}


def test_status_mail_for_a_vanished_entry_sends_nothing(db):
    assert tasks.notify_status_change(999, 999) == 0
