"""The fee is paid, and the office knows: a payment account per permit, payments by hand or from a bank statement.

An account has lines (AccountEntry): the fee and any inspection surcharge are charges, payments and the correction
after a revocation reduce what is owed; each line says why it exists. Bank statements (the bank's CSV or MT940,
read by the `mt-940` package) are matched by the permit number in the transfer title; every statement line is
kept once (its key), so importing the same file again books nothing twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import mt940
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from centres.models import User
from centres.selectors import staff_centre_ids
from core.dates import today
from core.errors import Code, deny, refusal
from core.money import round_money

from .models import AccountEntry, BankTransfer, GardenApplication, GreeneryKind, Inspection, PaymentAccount

Kind = AccountEntry.Kind
ZERO = Decimal("0.00")
PERMIT_IN_TITLE = re.compile(r"\b([A-Z]{2,5})\s*[/\\ _-]\s*OG\s*[/\\ _-]\s*(\d{4})\s*[/\\ _-]\s*(\d{1,6})\b", re.I)


# --- The account --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountState:
    """What is owed and paid now: `status` is paid / partly paid / unpaid / overpaid; `overdue` past the due date."""

    due: Decimal
    paid: Decimal
    balance: Decimal  # > 0 still owed, < 0 overpaid
    status: str
    overdue: bool
    late_payments: int

    @property
    def label(self) -> str:
        labels = {"paid": _("paid"), "partial": _("partly paid"), "unpaid": _("unpaid"), "overpaid": _("overpaid")}
        return str(labels[self.status])


def account_state(account: PaymentAccount, *, on: dt.date | None = None) -> AccountState:
    """From the account's lines (prefetch `entries` for lists)."""
    day = on or today()
    entries = list(account.entries.all())
    due = sum((e.amount for e in entries if e.kind in AccountEntry.CHARGES), ZERO) - sum(
        (e.amount for e in entries if e.kind == Kind.REFUND), ZERO)
    paid = sum((e.amount for e in entries if e.kind == Kind.PAYMENT), ZERO)
    balance = due - paid
    if balance == 0 and due > 0:
        status = "paid"
    elif balance < 0:
        status = "overpaid"
    elif paid > 0:
        status = "partial"
    else:
        status = "paid" if due <= 0 else "unpaid"
    late = sum(1 for e in entries if e.kind == Kind.PAYMENT and e.booked_on > account.due_date)
    return AccountState(due=due, paid=paid, balance=balance, status=status,
                        overdue=balance > 0 and day > account.due_date, late_payments=late)


def open_account(*, application: GardenApplication, on: dt.date, by: User | None) -> PaymentAccount:
    """At approval (inside its transaction): the account with the fee, due N days later (GARDEN_PAYMENT_DAYS)."""
    from .services import validate_iban

    account = PaymentAccount.objects.create(
        application=application, title=application.permit_number,
        bank_account=validate_iban(application.season.bank_account),
        due_date=on + dt.timedelta(days=settings.GARDEN_PAYMENT_DAYS))
    if application.fee_total > 0:
        AccountEntry.objects.create(account=account, kind=Kind.FEE, amount=application.fee_total, booked_on=on,
                                    reason=_("Fee for permit %(number)s") % {"number": application.permit_number},
                                    created_by=by)
    return account


def _require_staff_of(user: User, account: PaymentAccount) -> None:
    if account.application.season.centre_id not in staff_centre_ids(user):
        raise deny(_("Only the office staff of this centre may do this."))


@transaction.atomic
def record_payment(*, account: PaymentAccount, amount: Decimal, booked_on: dt.date, by: User,
                   reason: str = "") -> AccountEntry:
    """Staff record a payment by hand (e.g. paid at the office's till)."""
    _require_staff_of(by, account)
    amount = round_money(amount)
    if amount <= 0:
        raise refusal("amount", _("The amount must be greater than zero."), Code.INVALID)
    if booked_on > today():
        raise refusal("booked_on", _("A payment cannot be booked in the future."), Code.DATE_ORDER)
    return AccountEntry.objects.create(account=account, kind=Kind.PAYMENT, amount=amount, booked_on=booked_on,
                                       reason=(reason or "").strip()[:300] or _("Payment recorded by hand"),
                                       created_by=by)


def credit_unused_days(*, application: GardenApplication, on: dt.date, reason: str, by: User | None) -> None:
    """On revocation: the fee of the days not yet begun is taken off what is owed, with a line saying why."""
    account = PaymentAccount.objects.filter(application=application).first()
    if account is None or application.fee_days <= 0:
        return
    first_unused = max(on + dt.timedelta(days=1), application.period_start)
    unused = max(0, (application.period_end - first_unused).days + 1)
    amount = round_money(application.fee_total * unused / application.fee_days)
    if amount <= 0:
        return
    AccountEntry.objects.create(
        account=account, kind=Kind.REFUND, amount=amount, booked_on=on, created_by=by,
        reason=(_("Permit revoked on %(day)s: %(unused)s of %(days)s days not used (%(why)s)") % {
            "day": date_format(on, "DATE_FORMAT"), "unused": unused, "days": application.fee_days,
            "why": reason})[:300])


def surcharge_for_missing_greenery(*, application: GardenApplication, inspection: Inspection, missing: set[str],
                                   by: User | None) -> AccountEntry | None:
    """Greenery found missing loses its discount from the inspection day on; the business is told by e-mail."""
    from .services import GREENERY_FIELDS, quote_fee

    confirmed = application.confirmed_greenery_kinds()
    remaining = confirmed - missing
    start = max(inspection.inspected_on, application.period_start)
    before = quote_fee(zone=application.zone, area_m2=application.area_m2, start=start, end=application.period_end,
                       greenery_kinds=confirmed, season=application.season)
    after = quote_fee(zone=application.zone, area_m2=application.area_m2, start=start, end=application.period_end,
                      greenery_kinds=remaining, season=application.season)
    for kind in missing:
        setattr(application, GREENERY_FIELDS[kind][1], False)
    application.save(update_fields=[GREENERY_FIELDS[k][1] for k in missing] + ["updated_at"])
    difference = after.total - before.total
    if difference <= 0:
        return None
    account = PaymentAccount.objects.filter(application=application).first()
    if account is None:
        return None
    labels = ", ".join(str(GreeneryKind(k).label) for k in sorted(missing))
    entry = AccountEntry.objects.create(
        account=account, kind=Kind.SURCHARGE, amount=difference, booked_on=inspection.inspected_on, created_by=by,
        reason=(_("Inspection of %(day)s: %(kinds)s missing; green discount %(before)s%% → %(after)s%% for "
                  "%(days)s days") % {"day": date_format(inspection.inspected_on, "DATE_FORMAT"), "kinds": labels,
                                      "before": before.discount_percent.normalize(),
                                      "after": after.discount_percent.normalize(), "days": after.days})[:300])
    from .tasks import notify_surcharge

    transaction.on_commit(lambda: notify_surcharge.delay(entry.pk))
    return entry


# --- Bank statements ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementLine:
    booked_on: dt.date
    amount: Decimal
    title: str
    counterparty: str = ""
    reference: str = ""


@dataclass
class ImportReport:
    lines: int = 0
    matched: list[BankTransfer] = field(default_factory=list)
    unmatched: list[BankTransfer] = field(default_factory=list)
    already_imported: int = 0
    debits_skipped: int = 0


def _amount(text: str) -> Decimal:
    cleaned = re.sub(r"[\s\u00a0]|PLN|zł", "", text or "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "")
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None


def _date(text: str) -> dt.date:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


CSV_COLUMNS = {
    "booked_on": ("data operacji", "data księgowania", "data", "date"),
    "amount": ("kwota", "amount"),
    "title": ("tytuł", "tytul", "tytuł operacji", "title"),
    "counterparty": ("nadawca", "kontrahent", "nazwa nadawcy", "counterparty"),
    "reference": ("referencja", "numer referencyjny", "id transakcji", "reference"),
}


def parse_csv(text: str) -> list[StatementLine]:
    """The bank's CSV export: a header row naming date, amount, title (and sender, reference); `;` or `,`."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        return []
    header = [h.strip().lower().lstrip("\ufeff") for h in rows[0]]
    index = {}
    for name, aliases in CSV_COLUMNS.items():
        for alias in aliases:
            if alias in header:
                index[name] = header.index(alias)
                break
    if not {"booked_on", "amount", "title"} <= set(index):
        raise refusal("file", _("The CSV needs the columns date, amount and title (Data operacji, Kwota, Tytuł)."),
                      Code.STATEMENT_INVALID)
    result = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            cells = {name: row[i].strip() if i < len(row) else "" for name, i in index.items()}
            result.append(StatementLine(booked_on=_date(cells["booked_on"]), amount=_amount(cells["amount"]),
                                        title=cells["title"], counterparty=cells.get("counterparty", ""),
                                        reference=cells.get("reference", "")))
        except ValueError:
            raise refusal("file", _("Row %(row)s of the statement cannot be read (date or amount).") % {"row": number},
                          Code.STATEMENT_INVALID) from None
    return result


def parse_mt940(text: str) -> list[StatementLine]:
    transactions = mt940.models.Transactions()
    try:
        transactions.parse(text)
    except Exception:
        raise refusal("file", _("The MT940 statement cannot be read."), Code.STATEMENT_INVALID) from None
    result = []
    for item in transactions:
        data = item.data
        day = data.get("date")
        reference = data.get("bank_reference") or ""
        if not reference and data.get("customer_reference") not in (None, "", "NONREF"):
            reference = data["customer_reference"]
        result.append(StatementLine(booked_on=dt.date(day.year, day.month, day.day),
                                    amount=Decimal(data["amount"].amount),
                                    title=" ".join((data.get("transaction_details") or "").split()),
                                    counterparty=(data.get("extra_details") or "").strip(), reference=reference))
    return result


def parse_statement(content: bytes) -> list[StatementLine]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1250", errors="replace")  # Polish banks' older exports
    if re.search(r"^:20:", text, re.M) and re.search(r"^:61:", text, re.M):
        return parse_mt940(text)
    return parse_csv(text)


def _keys(lines: Iterable[StatementLine]) -> list[str]:
    """A stable key per line: its content plus which repetition of identical content it is in the file."""
    seen: Counter = Counter()
    keys = []
    for line in lines:
        content = "|".join([line.booked_on.isoformat(), str(round_money(line.amount)), " ".join(line.title.split()),
                            line.counterparty, line.reference])
        seen[content] += 1
        keys.append(hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest())
    return keys


def permit_number_in(title: str) -> str | None:
    match = PERMIT_IN_TITLE.search(title or "")
    if not match:
        return None
    code, year, number = match.groups()
    return f"{code.upper()}/OG/{year}/{int(number):04d}"


def accounts_of(user: User) -> QuerySet[PaymentAccount]:
    return PaymentAccount.objects.filter(application__season__centre_id__in=staff_centre_ids(user))


@transaction.atomic
def import_statement(*, content: bytes, by: User, source: str = "") -> ImportReport:
    """Book the credits of a bank statement on the accounts whose permit number the title carries.

    Debits are skipped; a line imported before (same key) is skipped; a credit without a known permit number is
    kept unmatched for staff to look at.
    """
    if not staff_centre_ids(by):
        raise deny(_("Only office staff may import bank statements."))
    lines = parse_statement(content)
    report = ImportReport(lines=len(lines))
    accounts = {a.title: a for a in accounts_of(by).select_related("application")}
    keys = _keys(lines)
    known = set(BankTransfer.objects.filter(key__in=keys).values_list("key", flat=True))
    for line, key in zip(lines, keys, strict=True):
        if line.amount <= 0:
            report.debits_skipped += 1
            continue
        if key in known:
            report.already_imported += 1
            continue
        known.add(key)
        account = accounts.get(permit_number_in(line.title) or "")
        transfer = BankTransfer.objects.create(key=key, booked_on=line.booked_on, amount=round_money(line.amount),
                                               title=line.title[:400], counterparty=line.counterparty[:300],
                                               reference=line.reference[:100], source=source[:200], account=account,
                                               imported_by=by)
        if account is None:
            report.unmatched.append(transfer)
            continue
        AccountEntry.objects.create(account=account, kind=Kind.PAYMENT, amount=transfer.amount,
                                    booked_on=line.booked_on, transfer=transfer, created_by=by,
                                    reason=(_("Bank transfer: %(title)s") % {"title": line.title})[:300])
        report.matched.append(transfer)
    return report


def check_statement_file(upload) -> bytes:
    """The uploaded statement's bytes, bounded by MAX_UPLOAD_BYTES."""
    content = upload.read(settings.MAX_UPLOAD_BYTES + 1)
    if not content:
        raise refusal("file", _("The file is empty."), Code.UPLOAD_EMPTY)
    if len(content) > settings.MAX_UPLOAD_BYTES:
        raise refusal("file", _("The file is too large."), Code.UPLOAD_TOO_LARGE)
    return content

