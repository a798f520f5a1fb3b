"""The fee is paid, and the office knows: payment accounts, bank statements matched by title, reminders."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from gardens import payments, services
from gardens.models import AccountEntry, BankTransfer, GardenApplication, PaymentAccount
from gardens.selectors import payment_totals
from gardens.tasks import send_payment_reminders
from tests.factories import BusinessFactory, MembershipFactory
from tests.gardens.factories import ready_application

S = GardenApplication.Status


@pytest.fixture
def permits(centre, staff):
    """Four permits of 2 400,00 zł each (20 m² × 30 days × 4 PLN), approved on 20 May 2027, due 3 June."""
    result = []
    with time_machine.travel(dt.datetime(2027, 5, 20, 10, 0), tick=False):
        for _ in range(4):
            business = BusinessFactory(centre=centre)
            owner = MembershipFactory(business=business).user
            application = ready_application(business=business)
            services.transition(application=application, to=S.SUBMITTED, by=owner)
            services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=[])
            application.refresh_from_db()
            result.append(application)
    return result


def test_approval_opens_an_account_with_the_fee_due_in_n_days(permits, settings):
    account = permits[0].payment_account
    assert account.title == permits[0].permit_number
    assert account.due_date == dt.date(2027, 5, 20) + dt.timedelta(days=settings.GARDEN_PAYMENT_DAYS)
    assert account.bank_account == "PL61109010140000071219812874"
    state = payments.account_state(account, on=dt.date(2027, 5, 21))
    assert (state.due, state.paid, state.status, state.overdue) == (Decimal("2400.00"), 0, "unpaid", False)


def statement(permits) -> bytes:
    a, b, c, d = (p.permit_number for p in permits)
    code, _og, year, number = d.split("/")
    rows = [
        ("2027-05-25", "2400,00", f"Opłata {a} ogródek", "Kawiarnia A", ""),  # exact
        ("2027-05-26", "1000,00", f"{b} rata 1", "Kawiarnia B", ""),  # partial
        ("2027-06-10", "400,00", f"{b} rata 2", "Kawiarnia B", ""),  # partial, late
        ("2027-05-27", "2 500,00", f"{c}", "Kawiarnia C", ""),  # overpaid by 100
        ("2027-05-28", "2400.00", f"oplata {code} OG {year} {int(number)}", "Kawiarnia D", ""),  # the title retyped
        ("2027-05-28", "-35,00", f"prowizja {a}", "Bank", ""),  # a debit: never a payment
        ("2027-05-29", "-12,00", "opłata za prowadzenie rachunku", "Bank", ""),
    ]
    rows += [(f"2027-05-{10 + i:02d}", f"{100 + i},00", f"czynsz lokal {i}", f"Najemca {i}", f"REF{i}")
             for i in range(12)]  # unknown titles
    rows += [("2027-05-30", "50,00", "TOR/OG/2019/9999 stare zezwolenie", "Ktoś", "")]  # a number nobody has
    assert len(rows) == 20
    lines = ["Data operacji;Kwota;Tytuł;Nadawca;Referencja"] + [";".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def test_a_statement_of_20_transfers_matches_exactly_what_it_should_and_nothing_twice(permits, staff):
    content = statement(permits)
    with time_machine.travel(dt.datetime(2027, 6, 12, 10, 0), tick=False):
        report = payments.import_statement(content=content, by=staff, source="wyciag.csv")
        assert (report.lines, len(report.matched), len(report.unmatched), report.debits_skipped,
                report.already_imported) == (20, 5, 13, 2, 0)
        again = payments.import_statement(content=content, by=staff, source="wyciag.csv")
        assert (len(again.matched), len(again.unmatched), again.already_imported) == (0, 0, 18)
        states = [payments.account_state(PaymentAccount.objects.get(pk=p.payment_account.pk)) for p in permits]
    assert [(s.paid, s.status) for s in states] == [
        (Decimal("2400.00"), "paid"), (Decimal("1400.00"), "partial"), (Decimal("2500.00"), "overpaid"),
        (Decimal("2400.00"), "paid")]
    assert states[1].overdue and states[1].late_payments == 1 and states[1].balance == Decimal("1000.00")
    assert states[2].balance == Decimal("-100.00")
    assert AccountEntry.objects.filter(kind="payment").count() == 5
    assert BankTransfer.objects.count() == 18
    assert BankTransfer.objects.filter(account__isnull=True).count() == 13


def test_two_identical_transfers_in_one_file_are_two_payments(permits, staff):
    a = permits[0].permit_number
    content = f"Data;Kwota;Tytuł\n2027-05-25;1200,00;{a}\n2027-05-25;1200,00;{a}\n".encode()
    with time_machine.travel(dt.datetime(2027, 6, 1, 10, 0), tick=False):
        assert len(payments.import_statement(content=content, by=staff).matched) == 2
        assert len(payments.import_statement(content=content, by=staff).matched) == 0
        assert payments.account_state(permits[0].payment_account).status == "paid"


def test_an_mt940_statement_is_read_and_matched(permits, staff):
    a = permits[0].permit_number
    content = (f":20:STMT\n:25:PL61109010140000071219812874\n:28C:00001/001\n:60F:C270601PLN0,00\n"
               f":61:2706020602C2400,00NTRFNONREF//BANK1\n:86:{a} ogrodek\n"
               f":61:2706030603D10,00NTRFNONREF\n:86:oplata\n:62F:C270603PLN2390,00\n-\n").encode()
    with time_machine.travel(dt.datetime(2027, 6, 5, 10, 0), tick=False):
        report = payments.import_statement(content=content, by=staff, source="mt940.sta")
        assert (len(report.matched), report.debits_skipped) == (1, 1)
        assert payments.account_state(permits[0].payment_account).status == "paid"
        assert len(payments.import_statement(content=content, by=staff).matched) == 0


def test_a_statement_without_the_columns_is_refused_with_a_code(staff, centre):
    with pytest.raises(ValidationError) as exc:
        payments.import_statement(content=b"a;b\n1;2\n", by=staff)
    assert exc.value.error_dict["file"][0].code == "statement_invalid"


def test_only_staff_import_statements_and_record_payments(permits, owner, other_staff):
    with pytest.raises(PermissionDenied):
        payments.import_statement(content="Data;Kwota;Tytuł\n".encode(), by=owner)
    with pytest.raises(PermissionDenied):
        payments.record_payment(account=permits[0].payment_account, amount=Decimal("10"),
                                booked_on=dt.date(2027, 5, 21), by=other_staff)


def test_staff_record_a_payment_by_hand(permits, staff):
    with time_machine.travel(dt.datetime(2027, 6, 1, 10, 0), tick=False):
        payments.record_payment(account=permits[0].payment_account, amount=Decimal("2400"),
                                booked_on=dt.date(2027, 6, 1), by=staff, reason="Kasa biura")
        with pytest.raises(ValidationError):
            payments.record_payment(account=permits[0].payment_account, amount=Decimal("0"),
                                    booked_on=dt.date(2027, 6, 1), by=staff)
        assert payments.account_state(permits[0].payment_account).status == "paid"


def test_payment_totals_show_due_paid_and_overdue(permits, staff, centre):
    with time_machine.travel(dt.datetime(2027, 6, 12, 10, 0), tick=False):
        payments.import_statement(content=statement(permits), by=staff)
        totals = payment_totals(centre)
    assert totals == {"due": Decimal("9600.00"), "paid": Decimal("8700.00"), "overdue": Decimal("1000.00"),
                      "accounts": 4,
                      # a: exact, c: overpaid, d: the title retyped; b paid 1 400,00 of 2 400,00 and is overdue
                      "permits": {"paid_in_full": 3, "partly_paid": 0, "not_paid": 0, "overdue": 1}}


def test_dashboard_counts_a_permit_paid_once_its_transfer_is_imported(permits, staff, centre):
    from gardens.office import permits_by_payment

    with time_machine.travel(dt.datetime(2027, 5, 21, 10, 0), tick=False):
        before = dict(permits_by_payment(centre).rows)
        content = f"Data operacji;Kwota;Tytuł\n2027-05-21;2400,00;{permits[0].permit_number}\n".encode()
        payments.import_statement(content=content, by=staff)
        after = permits_by_payment(centre).rows
    assert [v for _label, v in before.items()] == [0, 0, 4, 0]
    assert [(str(label), n) for label, n in after] == [
        ("Paid in full", 1), ("Partly paid", 0), ("Not paid yet (before the due date)", 3), ("Overdue", 0)]


def test_payment_reminders_go_once_before_and_once_after_the_due_date(permits, mailoutbox):
    with time_machine.travel(dt.datetime(2027, 6, 1, 8, 0), tick=False):
        assert send_payment_reminders() == 8  # the business and its owner
        assert send_payment_reminders() == 0
    with time_machine.travel(dt.datetime(2027, 6, 5, 8, 0), tick=False):
        assert send_payment_reminders() == 8  # the business and its owner
        assert send_payment_reminders() == 0
    assert any("termin opłaty minął" in m.subject for m in mailoutbox)  # the owners read Polish
