"""Demo data of Toruń's Old Town (shared/domain-torun.md): zones, rates, streets, businesses and demo accounts.

Businesses have invented names on real Old Town streets. Everything is created with get_or_create, so running
`seed_demo` twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .models import Business, BusinessMembership, Centre, FeeRate, Street, User, Zone
from .services import create_fee_rate

DEMO_PASSWORD = "demo-Starowka-2026"
DEMO_ACCOUNTS = {
    "staff": "biuro@demo.starowka.pl",
    "owner": "wlasciciel@demo.starowka.pl",
    "resident": "mieszkanka@demo.starowka.pl",
}

OLD_TOWN_PUBLIC = ["Rynek Nowomiejski", "Panny Marii", "Wielkie Garbary", "Łazienna", "Żeglarska", "Ducha Świętego",
                   "Kopernika", "Szewska", "Szczytna", "Podmurna", "Most Pauliński", "Chełmińska",
                   "Świętej Katarzyny"]
OLD_TOWN_INTERNAL = ["Rynek Staromiejski", "Różana", "Szeroka", "Królowej Jadwigi"]
OUTSIDE = ["Bulwar Filadelfijski", "Mickiewicza", "Bydgoska"]

BUSINESSES = [
    # name, street, number, category
    ("Kawiarnia Pod Pierniczkiem", "Rynek Staromiejski", "12", "cafe"),
    ("Restauracja Flisak", "Szeroka", "21", "restaurant"),
    ("Piwnica Kopernikańska", "Kopernika", "9", "bar"),
    ("Cukiernia Różana", "Różana", "3", "bakery"),
    ("Bistro Królewskie", "Królowej Jadwigi", "7", "restaurant"),
    ("Herbaciarnia Pod Aniołem", "Żeglarska", "15", "cafe"),
    ("Pierogarnia Gotycka", "Szeroka", "34", "restaurant"),
    ("Lodziarnia Nowy Rynek", "Rynek Nowomiejski", "5", "cafe"),
    ("Winiarnia Panny Marii", "Panny Marii", "2", "bar"),
    ("Księgarnia Garbary", "Wielkie Garbary", "11", "shop"),
    ("Pracownia Piernika Toruńskiego", "Łazienna", "6", "shop"),
    ("Galeria Ducha", "Ducha Świętego", "4", "museum"),
    ("Kawiarnia Szewska 8", "Szewska", "8", "cafe"),
    ("Hotel Pod Murami", "Podmurna", "28", "hotel"),
    ("Restauracja Most Pauliński", "Most Pauliński", "1", "restaurant"),
    ("Zakład Fryzjerski Szczytna", "Szczytna", "10", "service"),
    ("Kawiarnia Bulwarowa", "Bulwar Filadelfijski", "3", "cafe"),
    ("Pub Pod Krzywą Wieżą", "Pod Krzywą Wieżą", "1", "bar"),
    ("Muzeum Zabawek Dawnych", "Chełmińska", "14", "museum"),
    ("Sklep z Pamiątkami Toruń", "Rynek Staromiejski", "26", "shop"),
    ("Bar Mleczny Katarzyna", "Świętej Katarzyny", "4", "restaurant"),
]


def valid_nip(seed: int) -> str:
    """A NIP with a correct check digit, derived from a seed (for demo data and tests)."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    n = seed
    while True:
        digits = f"{(n % 900_000_000) + 100_000_000:09d}"
        check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return digits + str(check)
        n += 1


def seed(stdout, *, office_group=None) -> Centre:
    centre, _ = Centre.objects.get_or_create(slug="torun", defaults=dict(
        name="Toruńska Starówka", code="TOR", city="Toruń", office_name="Biuro Toruńskiego Centrum Miasta",
        address="ul. Wały Gen. Sikorskiego 8, 87-100 Toruń", email="starowka@um.torun.pl", phone="56 611 87 36",
        website="https://btcm.torun.pl"))
    Centre.objects.get_or_create(slug="bydgoszcz", defaults=dict(
        name="Śródmieście Bydgoszczy", code="BYD", city="Bydgoszcz", office_name="Biuro Zarządzania Centrum Miasta",
        address="ul. Jezuicka 1, 85-102 Bydgoszcz", email="centrum@example.invalid"))

    since = dt.date(2024, 1, 1)
    zones = {
        "public": _zone(centre, "stare-miasto-drogi-publiczne", "Stare Miasto – drogi publiczne",
                        Zone.Kind.PUBLIC_ROAD, "4.00", since, "Uchwała nr 183/07 z późn. zm."),
        "internal": _zone(centre, "stare-miasto-drogi-wewnetrzne", "Stare Miasto – drogi wewnętrzne BTCM",
                          Zone.Kind.INTERNAL_ROAD, "4.00", since, "Zarządzenie Prezydenta – dzierżawa"),
        "outside": _zone(centre, "poza-stare-miasto", "Poza Starym Miastem", Zone.Kind.PUBLIC_ROAD, "1.00", since,
                         "Uchwała nr 183/07 z późn. zm."),
    }
    zones["internal"].max_garden_area_m2 = Decimal("80.00")
    zones["internal"].save(update_fields=["max_garden_area_m2"])
    for names, zone in ((OLD_TOWN_PUBLIC + ["Pod Krzywą Wieżą"], zones["public"]),
                        (OLD_TOWN_INTERNAL, zones["internal"]), (OUTSIDE, zones["outside"])):
        for name in names:
            Street.objects.get_or_create(centre=centre, name=name, defaults={"zone": zone})

    streets = {s.name: s for s in Street.objects.filter(centre=centre)}
    for i, (name, street, number, category) in enumerate(BUSINESSES, start=1):
        s = streets[street]
        Business.objects.get_or_create(centre=centre, nip=valid_nip(5_260_000 + i * 7919), defaults=dict(
            name=name, slug=_slug(name), street=s, building_number=number, zone=s.zone, category=category,
            email=f"kontakt{i}@demo.starowka.pl", phone=f"56 600 {i:02d} {i:02d}"))

    staff = _account(DEMO_ACCOUNTS["staff"], "Anna", "Biurowa", is_staff=True)
    if office_group is not None:
        staff.groups.add(office_group)
    staff.staff_centres.add(centre)
    owner = _account(DEMO_ACCOUNTS["owner"], "Piotr", "Kawiarski")
    first = Business.objects.get(centre=centre, slug=_slug(BUSINESSES[0][0]))
    BusinessMembership.objects.get_or_create(user=owner, business=first, defaults={"role": "owner"})
    second = Business.objects.get(centre=centre, slug=_slug(BUSINESSES[1][0]))
    BusinessMembership.objects.get_or_create(user=owner, business=second, defaults={"role": "owner"})
    _account(DEMO_ACCOUNTS["resident"], "Maria", "Toruńska")
    stdout.write(f"Centre {centre.name}: {centre.zones.count()} zones, {centre.businesses.count()} businesses")
    return centre


def _zone(centre: Centre, slug: str, name: str, kind: str, garden_rate: str, since: dt.date, resolution: str) -> Zone:
    zone, _ = Zone.objects.get_or_create(centre=centre, slug=slug, defaults={"name": name, "kind": kind})
    # Rates are seeded only for a zone and use that has none: staff may have edited the history since.
    for use, price, basis in ((FeeRate.Use.CAFE_GARDEN, garden_rate, resolution),
                              (FeeRate.Use.FAIR_TRADE, "0.10", "Uchwała nr 370/16")):
        if not FeeRate.objects.filter(zone=zone, use=use).exists():
            create_fee_rate(zone=zone, use=use, price_pln=Decimal(price), valid_from=since, resolution=basis)
    return zone


def _account(email: str, first: str, last: str, *, is_staff: bool = False) -> User:
    from django.utils import timezone

    user, created = User.objects.get_or_create(email=email, defaults=dict(
        first_name=first, last_name=last, is_staff=is_staff, email_verified_at=timezone.now()))
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _slug(name: str) -> str:
    from django.utils.text import slugify

    return slugify(name.replace("ł", "l").replace("Ł", "L"))
