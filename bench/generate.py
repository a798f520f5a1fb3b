"""Grow the demo centre to benchmark size: 300 partners, 100,000 cards and 1,000,000 recorded checks.

Runs against the database in DATABASE_URL (PostgreSQL; the bench refuses SQLite). Starts from `seed_demo`,
then adds what is missing, so running it again tops up instead of duplicating. Users and cards go in with
`bulk_create`, checks through PostgreSQL's COPY; each step shows a progress bar.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from centres.demo import valid_nip  # noqa: E402
from centres.models import Business, BusinessMembership, Centre, Street, User  # noqa: E402
from loyalty import tokens  # noqa: E402
from loyalty.models import Card, Check, IssuedNumber, Partner, Perk  # noqa: E402

PARTNERS = 300
CARDS = 100_000
CHECKS = 1_000_000
BATCH = 5_000
CENTRE_SLUG = "torun"
BENCH_TILL_DOMAIN = "till.bench.invalid"


def _centre() -> Centre:
    if not Centre.objects.filter(slug=CENTRE_SLUG).exists():
        call_command("seed_demo", verbosity=0)
    return Centre.objects.get(slug=CENTRE_SLUG)


@transaction.atomic
def _partners(centre: Centre, rnd: random.Random) -> None:
    """Businesses enrolled as partners, two perks each, and one till account per partner."""
    missing = PARTNERS - Partner.objects.filter(centre=centre).count()
    streets = list(Street.objects.filter(centre=centre))
    start = dt.date(2025, 1, 1)
    for i in tqdm(range(missing), desc="partners", unit="partner"):
        street = rnd.choice(streets)
        n = Business.objects.filter(centre=centre).count() + i
        business = Business.objects.create(
            centre=centre, name=f"Partner {n:03d}", slug=f"bench-partner-{n:03d}", nip=valid_nip(7_000_000 + n * 104_729),
            street=street, building_number=str(1 + n % 40), zone=street.zone,
            category=rnd.choice(Business.Category.values), email=f"partner{n}@bench.invalid")
        partner = Partner.objects.create(centre=centre, business=business, agreement_start=start)
        Perk.objects.bulk_create([
            Perk(partner=partner, title_pl="10% rabatu", title_en="10% off", kind=Perk.Kind.PERCENT, value=10,
                 valid_from=start, daily_limit_per_card=1),
            Perk(partner=partner, title_pl="Kawa gratis", title_en="Free coffee", kind=Perk.Kind.FREE_ITEM,
                 valid_from=start),
        ])
    for partner in Partner.objects.filter(centre=centre).select_related("business"):
        user, created = User.objects.get_or_create(email=f"till-{partner.pk}@{BENCH_TILL_DOMAIN}")
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            BusinessMembership.objects.create(user=user, business=partner.business,
                                              role=BusinessMembership.Role.TILL)


def _cards(centre: Centre, rnd: random.Random) -> None:
    """Residents with an active card each; numbers drawn at random from the number space and written to the
    centre's ledger of issued numbers, as the service does (services.allocate_number)."""
    have = Card.objects.filter(centre=centre).count()
    missing = CARDS - have
    if missing <= 0:
        return
    today = timezone.localdate()
    taken = set(IssuedNumber.objects.filter(centre=centre).values_list("number", flat=True))
    taken |= set(Card.objects.filter(centre=centre).values_list("number", flat=True))
    serial = User.objects.filter(email__startswith="resident-", email__endswith="@bench.invalid").count()
    with tqdm(total=missing, desc="cards", unit="card") as bar:
        while missing > 0:
            size = min(BATCH, missing)
            numbers = []
            while len(numbers) < size:
                number = tokens.number_for(rnd.randrange(1, 10**tokens.SERIAL_DIGITS))
                if number not in taken:
                    taken.add(number)
                    numbers.append(number)
            with transaction.atomic():
                users = User.objects.bulk_create([
                    User(email=f"resident-{serial + k + 1}@bench.invalid", password="!", first_name="Jan",
                         last_name=f"Mieszkaniec{serial + k + 1}") for k in range(size)])
                IssuedNumber.objects.bulk_create([IssuedNumber(centre=centre, number=n) for n in numbers])
                Card.objects.bulk_create([
                    Card(centre=centre, holder=user, number=numbers[k],
                         status=Card.Status.ACTIVE, secret=tokens.new_secret(), first_name="Jan",
                         last_name=user.last_name, address="Szeroka 1", postal_code="87-100", city="Toruń",
                         email=user.email, valid_from=today - dt.timedelta(days=30),
                         valid_until=today + dt.timedelta(days=700), activated_at=timezone.now())
                    for k, user in enumerate(users)])
                serial += size
            missing -= size
            bar.update(size)


def _checks(centre: Centre, rnd: random.Random) -> None:
    """A year of till checks spread over cards, partners and their perks (COPY: a million rows in seconds)."""
    missing = CHECKS - Check.objects.filter(partner__centre=centre).count()
    if missing <= 0:
        return
    card_ids = list(Card.objects.filter(centre=centre).values_list("pk", flat=True))
    perks_by_partner: dict[int, list[int]] = {}
    for perk_id, partner_id in Perk.objects.filter(partner__centre=centre).values_list("pk", "partner_id"):
        perks_by_partner.setdefault(partner_id, []).append(perk_id)
    partner_ids = list(perks_by_partner)
    now = timezone.now()
    columns = "card_id, partner_id, perk_id, result, method, accepted, refusal, flagged, checked_by_id, day, created_at"
    copy_sql = f"COPY {Check._meta.db_table} ({columns}) FROM STDIN"
    with (transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy,
          tqdm(total=missing, desc="checks", unit="check") as bar):
        for i in range(missing):
            partner_id = rnd.choice(partner_ids)
            at = now - dt.timedelta(seconds=rnd.randrange(365 * 24 * 3600))
            perk_id = rnd.choice(perks_by_partner[partner_id]) if rnd.random() < 0.8 else None
            copy.write_row((rnd.choice(card_ids), partner_id, perk_id, "valid", Check.Method.QR, perk_id is not None, "",
                            False, None,
                            timezone.localtime(at).date(), at))
            if i % 10_000 == 9_999:
                bar.update(10_000)
        bar.update(missing % 10_000)


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL: set DATABASE_URL (bench/run.py does).")
    rnd = random.Random(20261122)
    call_command("migrate", verbosity=0)
    centre = _centre()
    _partners(centre, rnd)
    _cards(centre, rnd)
    _checks(centre, rnd)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics after bulk loads (autovacuum would lag behind)
    print(f"{Partner.objects.filter(centre=centre).count():,} partners, "
          f"{Card.objects.filter(centre=centre).count():,} cards, "
          f"{Check.objects.filter(partner__centre=centre).count():,} checks")


if __name__ == "__main__":
    main()
