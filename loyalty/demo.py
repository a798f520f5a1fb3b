"""Demo data of Moja Starówka in Toruń: ~30 partners on Old Town streets, their perks, a few hundred cardholders,
the demo resident's active card, a till account, and checks over the past months so the figures look alive.

Idempotent: everything is looked up first, and the bulk parts run only while they are missing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from centres.demo import DEMO_ACCOUNTS as CENTRE_ACCOUNTS
from centres.demo import DEMO_PASSWORD, valid_nip
from centres.models import Business, BusinessMembership, Centre, Street, User
from centres.selectors import today
from centres.services import create_business

from . import services, tokens
from .models import Card, Check, Partner, Perk, ProgrammeSettings, ProgrammeTerms

TILL_EMAIL = "kasa@demo.starowka.pl"
DEMO_ACCOUNTS = [("till staff (Moja Starówka)", TILL_EMAIL)]
CARDHOLDERS = 300
TERMS_PL = ("1. Kartę Moja Starówka może otrzymać mieszkaniec Starego Miasta, którego adres potwierdzi biuro.\n"
            "2. Karta jest imienna; w kasie partnera okazuje się kod QR lub numer z kodem z aplikacji.\n"
            "3. Partnerzy ustalają oferty i ich limity; limit liczy się na osobę, także po wydaniu nowej karty.\n"
            "4. Zgubioną kartę biuro unieważnia i wydaje nową.")
TERMS_EN = ("1. A Moja Starówka card is for residents of the Old Town whose address the office confirms.\n"
            "2. The card is personal; at a partner's till show the QR code or the number with the code.\n"
            "3. Partners set the perks and their limits; a limit counts per person, also after a re-issue.\n"
            "4. The office revokes a lost card and issues a new one.")

EXTRA_BUSINESSES = [
    ("Kawiarnia Kopernik", "Kopernika", "17", "cafe"),
    ("Toruńskie Pierniki u Flisaka", "Żeglarska", "22", "shop"),
    ("Antykwariat Pod Arkadami", "Szeroka", "40", "shop"),
    ("Restauracja Pod Modrym Fartuchem", "Rynek Nowomiejski", "8", "restaurant"),
    ("Optyk Szczytna", "Szczytna", "5", "service"),
    ("Teatr Lalek Baj Pomorski – kasa", "Piekary", "9", "museum"),
    ("Kino Orzeł", "Szeroka", "3", "museum"),
    ("Galeria Sztuki Wozownia – sklep", "Rabiańska", "20", "museum"),
    ("Apteka Pod Łabędziem", "Rynek Staromiejski", "4", "service"),
    ("Kwiaciarnia Różana", "Różana", "5", "shop"),
]

PERKS = {  # category: [(title_pl, title_en, kind, value, conditions_pl, conditions_en, weekdays, limit)]
    "cafe": [("10% na kawę i ciasto", "10% off coffee and cake", "percent", 10, "", "", 127, 1),
             ("Druga kawa gratis w poniedziałki", "Second coffee free on Mondays", "free_item", None,
              "Przy zakupie jednej kawy.", "When you buy one coffee.", 0b0000001, 1)],
    "restaurant": [("15% na lunch", "15% off lunch", "percent", 15, "W godz. 12–16.", "Between 12 and 4 pm.",
                    0b0011111, 1),
                   ("Deser gratis do dania głównego", "Free dessert with a main course", "free_item", None, "", "",
                    127, 1)],
    "bar": [("Piwo z lokalnego browaru 5 zł taniej", "Local craft beer 5 PLN off", "amount", 5,
             "Od 18 lat.", "Over-18s only.", 127, 2)],
    "bakery": [("Pierniczek gratis do zakupów", "A free gingerbread with your purchase", "free_item", None,
                "Przy zakupach za min. 20 zł.", "On purchases of at least 20 PLN.", 127, 1)],
    "shop": [("10% rabatu na cały asortyment", "10% off everything", "percent", 10, "Nie łączy się z promocjami.",
              "Not combined with other offers.", 127, None)],
    "service": [("20 zł zniżki na usługę", "20 PLN off a service", "amount", 20, "", "", 0b0011111, 1)],
    "museum": [("Bilet ulgowy dla posiadaczy karty", "Reduced ticket for cardholders", "other", None,
                "Za okazaniem karty w kasie.", "Show the card at the ticket desk.", 127, 2),
               ("25% taniej w środy", "25% off on Wednesdays", "percent", 25, "", "", 0b0000100, 1)],
    "hotel": [("Kolacja dla dwojga 30% taniej", "Dinner for two 30% off", "percent", 30,
               "Rezerwacja dzień wcześniej.", "Book a day ahead.", 127, 1)],
    "other": [("Prezent dla posiadaczy karty", "A gift for cardholders", "other", None, "", "", 127, 1)],
}

FIRST_NAMES = ["Anna", "Katarzyna", "Maria", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Zofia", "Piotr",
               "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Jan", "Stanisław"]
LAST_NAMES = ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
              "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski"]
STREETS = ["Szeroka", "Żeglarska", "Różana", "Łazienna", "Podmurna", "Prosta", "Chełmińska", "Mostowa",
           "Piekary", "Rabiańska", "Wielkie Garbary", "Ducha Świętego"]


def seed(*, centre: Centre, stdout) -> None:
    ProgrammeSettings.objects.get_or_create(centre=centre, defaults={"validity_years": 2, "auto_activate": False})
    ProgrammeTerms.objects.get_or_create(centre=centre, version="2026-01", defaults={
        "published_at": timezone.now() - dt.timedelta(days=30), "body_pl": TERMS_PL, "body_en": TERMS_EN})
    partners = _partners(centre)
    _perks(partners)
    _accounts(centre, partners)
    _cardholders(centre)
    _checks(centre, partners)
    stdout.write(f"Moja Starówka: {len(partners)} partners, {Perk.objects.filter(partner__centre=centre).count()} "
                 f"perks, {Card.objects.filter(centre=centre).count()} cards, "
                 f"{Check.objects.filter(partner__centre=centre).count()} checks")


def _partners(centre: Centre) -> list[Partner]:
    streets = {s.name: s for s in Street.objects.filter(centre=centre)}
    public = Street.objects.filter(centre=centre).order_by("pk").first()
    for i, (name, street_name, number, category) in enumerate(EXTRA_BUSINESSES, start=1):
        if Business.objects.filter(centre=centre, name=name).exists():
            continue
        street = streets.get(street_name)
        if street is None:
            street = Street.objects.create(centre=centre, name=street_name, zone=public.zone)
            streets[street_name] = street
        create_business(centre=centre, name=name, nip=valid_nip(7_770_000 + i * 7919), street=street,
                        building_number=number, category=category, email=f"partner{i}@demo.starowka.pl")
    owner = User.objects.filter(email=CENTRE_ACCOUNTS["owner"]).first()
    first_of_owner = (Business.objects.filter(centre=centre, memberships__user=owner).order_by("pk").first()
                      if owner else None)
    businesses = list(Business.objects.filter(centre=centre, is_active=True).order_by("pk")[:30])
    if first_of_owner is not None and first_of_owner not in businesses:
        businesses[-1] = first_of_owner
    start = today() - dt.timedelta(days=400)
    for n, business in enumerate(businesses):
        if not Partner.objects.filter(business=business).exists():
            services.enrol_partner(business=business, agreement_start=start + dt.timedelta(days=n * 3),
                                   description_pl=f"{business.name} honoruje kartę Moja Starówka.",
                                   description_en=f"{business.name} welcomes Moja Starówka cardholders.")
    return list(Partner.objects.filter(centre=centre).select_related("business").order_by("pk"))


def _perks(partners: list[Partner]) -> None:
    for partner in partners:
        if partner.perks.exists():
            continue
        for title_pl, title_en, kind, value, cond_pl, cond_en, weekdays, limit in PERKS[partner.business.category]:
            Perk.objects.create(partner=partner, title_pl=title_pl, title_en=title_en, kind=kind,
                                value=Decimal(value) if value is not None else None, conditions_pl=cond_pl,
                                conditions_en=cond_en, valid_from=partner.agreement_start, weekdays=weekdays,
                                daily_limit_per_card=limit,
                                description_pl=f"Oferta {partner.business.name} dla mieszkańców Starówki.",
                                description_en=f"{partner.business.name}'s offer for Old Town residents.")


def _accounts(centre: Centre, partners: list[Partner]) -> None:
    resident = User.objects.filter(email=CENTRE_ACCOUNTS["resident"]).first()
    if resident is not None and not Card.objects.filter(holder=resident, centre=centre).exists():
        card = services.apply_for_card(user=resident, centre=centre, first_name=resident.first_name or "Maria",
                                       last_name=resident.last_name or "Toruńska", address="ul. Szeroka 12/3",
                                       postal_code="87-100", city="Toruń", accept_terms=True)
        if card.status == Card.Status.PENDING:
            services.activate_card(card=card, by=None, note="Demo")
    till, created = User.objects.get_or_create(email=TILL_EMAIL, defaults=dict(
        first_name="Kamil", last_name="Kasowy", email_verified_at=timezone.now()))
    if created:
        till.set_password(DEMO_PASSWORD)
        till.save(update_fields=["password"])
    owner = User.objects.filter(email=CENTRE_ACCOUNTS["owner"]).first()
    owned = [p for p in partners if owner and p.business.memberships.filter(user=owner).exists()]
    target = owned[0] if owned else partners[0]
    BusinessMembership.objects.get_or_create(user=till, business=target.business, defaults={"role": "till"})


@transaction.atomic
def _cardholders(centre: Centre) -> None:
    existing = Card.objects.filter(centre=centre, holder__email__startswith="mieszkaniec").count()
    missing = CARDHOLDERS - existing
    if missing <= 0:
        return
    rnd = random.Random(42)
    first = existing
    users = [User(email=f"mieszkaniec{n:04d}@demo.starowka.pl", first_name=rnd.choice(FIRST_NAMES),
                  last_name=rnd.choice(LAST_NAMES), email_verified_at=timezone.now(), language="pl",
                  password="!")  # unusable: cardholders of the demo do not log in
             for n in range(first, first + missing)]
    User.objects.bulk_create(users, ignore_conflicts=True)
    users = list(User.objects.filter(email__in=[u.email for u in users]).exclude(loyalty_cards__centre=centre))
    day = today()
    cards = []
    for user in users:
        applied = day - dt.timedelta(days=rnd.randint(1, 700))
        status = rnd.choices(["active", "pending", "suspended", "expired"], weights=[85, 8, 2, 5])[0]
        valid_from = applied + dt.timedelta(days=3) if status != "pending" else None
        valid_until = (valid_from.replace(year=valid_from.year + 2) - dt.timedelta(days=1)) if valid_from else None
        if status == "expired":
            valid_until = day - dt.timedelta(days=rnd.randint(1, 60))
            valid_from = valid_until.replace(year=valid_until.year - 2)
        cards.append(Card(centre=centre, holder=user, number=services.allocate_number(centre=centre),
                          secret=tokens.new_secret(), status=status, first_name=user.first_name,
                          last_name=user.last_name, address=f"ul. {rnd.choice(STREETS)} {rnd.randint(1, 60)}",
                          postal_code="87-100", city="Toruń", email=user.email, terms_accepted_at=timezone.now(),
                          valid_from=valid_from, valid_until=valid_until,
                          activated_at=timezone.now() if valid_from else None))
    Card.objects.bulk_create(cards)
    # applications spread over the past two years, so "new cards per month" has a shape
    for card in Card.objects.filter(centre=centre, holder__in=users).only("pk", "valid_from"):
        applied = (card.valid_from or day) - dt.timedelta(days=3)
        Card.objects.filter(pk=card.pk).update(created_at=timezone.make_aware(
            dt.datetime.combine(applied, dt.time(10, 0))))


@transaction.atomic
def _checks(centre: Centre, partners: list[Partner], *, days: int = 180) -> None:
    if Check.objects.filter(partner__centre=centre).exists():
        return
    rnd = random.Random(7)
    cards = list(Card.objects.filter(centre=centre, status="active").values_list("pk", flat=True))
    perks = {p.pk: list(p.perks.all()) for p in partners}
    till = User.objects.filter(email=TILL_EMAIL).first()
    day = today()
    for back in range(days, 0, -1):
        on = day - dt.timedelta(days=back)
        batch = []
        for _n in range(rnd.randint(5, 25)):
            partner = rnd.choice(partners)
            options = [p for p in perks[partner.pk] if p.applies_on(on)]
            perk = rnd.choice(options) if options and rnd.random() < 0.85 else None
            batch.append(Check(card_id=rnd.choice(cards) if cards else None, partner=partner, perk=perk,
                               result="valid" if cards else "unknown", accepted=bool(perk and cards),
                               checked_by=till, day=on))
        created = Check.objects.bulk_create(batch)
        Check.objects.filter(pk__in=[c.pk for c in created]).update(
            created_at=timezone.make_aware(dt.datetime.combine(on, dt.time(12, 0))))
