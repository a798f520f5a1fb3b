"""Demo data of Toruń's café gardens: seasons 2026 and 2027 (and the current year's), the aesthetic rules of the
city president's order, the green discount, and about fifteen applications in every state — approved permits
with all three kinds of greenery included (the green-garden contest demo uses them).

Idempotent: seasons, rules and tiers are get_or_create; applications are made only when the current season has none.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from centres.demo import DEMO_ACCOUNTS as CENTRE_ACCOUNTS
from centres.demo import DEMO_PASSWORD
from centres.models import Business, BusinessMembership, Centre, User
from centres.selectors import today

from . import geometry, services
from .models import AestheticRule, ApplicationHistory, GardenApplication, GreenDiscountTier, Season

APPLICANT_EMAIL = "ogrodki@demo.starowka.pl"
DEMO_ACCOUNTS = [("garden applicant (ten Old Town businesses)", APPLICANT_EMAIL)]

C, K = AestheticRule.Category, AestheticRule.Check
RULES = [
    # code, category, checked, title PL, title EN, text PL, text EN
    ("bez-podestow", C.FLOOR, K.PHOTO, "Zakaz wysokich podestów", "No high platforms",
     "Ogródek stoi na nawierzchni ulicy; dopuszczalne jedynie niskie wyrównanie spadku.",
     "The garden stands on the street surface; only a low levelling of a slope is allowed."),
    ("bez-plandek", C.ENCLOSURE, K.INSPECTION, "Zakaz folii i plandek", "No plastic sheeting or tarpaulins",
     "Nie stosuje się folii, plandek ani ścian z tworzyw sztucznych.",
     "No plastic sheeting, tarpaulins or plastic walls."),
    ("bez-sztucznej-trawy", C.FLOOR, K.INSPECTION, "Zakaz sztucznej trawy i wykładzin",
     "No artificial grass or carpet", "Nawierzchnia pozostaje odkryta; bez sztucznej trawy i wykładzin.",
     "The paving stays visible; no artificial grass or carpet."),
    ("bez-telewizorow", C.SOUND_LIGHT, K.INSPECTION, "Zakaz stałych odbiorników TV", "No fixed television sets",
     "W ogródku nie montuje się telewizorów ani ekranów.", "No television sets or screens are fixed in the garden."),
    ("bez-reklam", C.ADVERTISING, K.PHOTO, "Zakaz reklam, zwłaszcza alkoholu i tytoniu",
     "No advertising, alcohol and tobacco brands above all",
     "Meble, parasole i wygrodzenia bez reklam; dopuszczalna jedynie nazwa lokalu.",
     "Furniture, umbrellas and enclosures carry no advertising; the venue's name alone is allowed."),
    ("bez-naglosnienia", C.SOUND_LIGHT, K.INSPECTION, "Zakaz nagłośnienia", "No sound systems",
     "W ogródku nie używa się głośników ani nagłośnienia.", "No loudspeakers or sound systems in the garden."),
    ("parasole", C.UMBRELLAS, K.PHOTO, "Parasole o ustalonej wysokości i kolorze, bez reklam",
     "Umbrellas of the set height and colour, without advertising",
     "Parasole w kolorze écru, o wysokości do 3 m, bez nadruków reklamowych.",
     "Ecru umbrellas up to 3 m high, without advertising prints."),
    ("lekka-konstrukcja", C.FURNITURE, K.PHOTO, "Lekka konstrukcja z naturalnych materiałów",
     "Light construction of natural materials",
     "Meble i wygrodzenia z drewna, metalu lub wikliny; bez plastikowych mebli ogrodowych.",
     "Furniture and enclosures of wood, metal or wicker; no plastic garden furniture."),
    ("elewacja", C.ENCLOSURE, K.PHOTO, "Ogródek nie zasłania elewacji", "The garden must not hide the facade",
     "Wygrodzenie do 1,1 m wysokości; ogródek nie zasłania portali, witryn ani detali architektonicznych.",
     "Enclosure up to 1.1 m high; the garden does not hide portals, shop windows or architectural details."),
    ("kolory", C.FURNITURE, K.PHOTO, "Kolory z palety miasta", "Colours from the town's palette",
     "Parasole i meble w kolorach: écru, beż, biały, naturalne drewno.",
     "Umbrellas and furniture in écru, beige, white or natural wood."),
    ("chodnik", C.ACCESSIBILITY, K.INSPECTION, "Wolny chodnik dla pieszych", "A clear path for pedestrians",
     "Co najmniej 1,5 m chodnika (lub więcej, jeśli tak stanowi strefa) pozostaje wolne dla pieszych.",
     "At least 1.5 m of pavement (or the zone's larger minimum) stays free for pedestrians."),
    ("zielen", C.GREENERY, K.INSPECTION, "Żywa zieleń jest obowiązkowa", "Live greenery is mandatory",
     "Co najmniej jeden rodzaj żywej zieleni: rośliny wysokie przy elewacji, donice wzdłuż wygrodzenia, rośliny "
     "zwisające lub pnące.",
     "At least one kind of live greenery: tall plants against the facade, planters along the enclosure, hanging "
     "or climbing plants."),
    ("dostepnosc", C.ACCESSIBILITY, K.INSPECTION, "Ogródek dostępny dla osób z niepełnosprawnościami",
     "The garden is accessible to people with disabilities",
     "Wejście bez progów, co najmniej jeden stolik dostępny dla osoby na wózku.",
     "A step-free entrance and at least one table reachable in a wheelchair."),
]

Measure = AestheticRule.Measure
MEASURES = {  # code → (what is measured, limit, palette)
    "parasole": (Measure.UMBRELLA_HEIGHT_MAX, Decimal("3.00"), ""),
    "elewacja": (Measure.ENCLOSURE_HEIGHT_MAX, Decimal("1.10"), ""),
    "kolory": (Measure.COLOUR_PALETTE, None, "écru, beż, biały, naturalne drewno"),
    "chodnik": (Measure.PAVEMENT_MIN, None, ""),
    "zielen": (Measure.GREENERY_MIN, Decimal("1"), ""),
}
LEGAL_BASIS = ("Uchwała nr 183/07 Rady Miasta Torunia z dnia 14 czerwca 2007 r. w sprawie stawek opłat za zajęcie "
               "pasa drogowego (z późn. zm.); zarządzenie Prezydenta Miasta Torunia w sprawie zasad estetyki "
               "ogródków gastronomicznych (2019).")
BANK_ACCOUNT = "PL61109010140000071219812874"  # a sample account with a valid checksum
RYNEK = (18.6040, 53.0098)  # south-west of the Old Town Market Square; the demo's gardens stand in a row from it

ALL = ["tall_plants", "planters", "hanging"]
# business name, status, greenery declared (and confirmed on approval), length × width, window ("summer"/"winter")
APPLICATIONS = [
    ("Kawiarnia Pod Pierniczkiem", "approved", ALL, ("8", "5"), "summer"),
    ("Restauracja Flisak", "approved", ALL, ("10", "6"), "summer"),
    ("Cukiernia Różana", "approved", ALL, ("6", "4"), "summer"),
    ("Bistro Królewskie", "approved", ALL, ("7", "4"), "winter"),
    ("Herbaciarnia Pod Aniołem", "approved", ALL, ("5", "3"), "summer"),
    ("Pierogarnia Gotycka", "approved", ALL, ("9", "5"), "winter"),
    ("Lodziarnia Nowy Rynek", "approved", ["planters", "hanging"], ("4", "3"), "summer"),
    ("Winiarnia Panny Marii", "approved", ["tall_plants", "planters"], ("6", "3.5"), "summer"),
    ("Piwnica Kopernikańska", "revoked", ["planters"], ("5", "4"), "summer"),
    ("Kawiarnia Szewska 8", "submitted", ALL, ("4", "2.5"), "winter"),
    ("Restauracja Most Pauliński", "submitted", ["planters", "hanging"], ("8", "4"), "winter"),
    ("Hotel Pod Murami", "changes_requested", ["tall_plants"], ("10", "3"), "winter"),
    ("Pub Pod Krzywą Wieżą", "draft", ["hanging"], ("3", "2"), "winter"),
    ("Bar Mleczny Katarzyna", "rejected", ["planters"], ("6", "3"), "summer"),
    ("Kawiarnia Bulwarowa", "withdrawn", ["planters"], ("5", "2"), "summer"),
]


def _season(centre: Centre, year: int) -> Season:
    march_first = dt.date(year + 1, 3, 1)
    season, _ = Season.objects.get_or_create(centre=centre, year=year, defaults=dict(
        summer_start=dt.date(year, 3, 15), summer_end=dt.date(year, 11, 15),
        winter_start=dt.date(year, 11, 16), winter_end=march_first - dt.timedelta(days=1)))
    if not season.bank_account:
        season.legal_basis = LEGAL_BASIS
        season.bank_account = BANK_ACCOUNT
        season.bank_recipient = "Gmina Miasta Toruń – Biuro Toruńskiego Centrum Miasta"
        season.save(update_fields=["legal_basis", "bank_account", "bank_recipient"])
    for order, (code, category, checked, title_pl, title_en, text_pl, text_en) in enumerate(RULES, start=1):
        measure, limit, palette = MEASURES.get(code, ("", None, ""))
        AestheticRule.objects.get_or_create(season=season, code=code, defaults=dict(
            category=category, checked_by=checked, title_pl=title_pl, title_en=title_en, text_pl=text_pl,
            text_en=text_en, order=order, measure=measure, limit=limit, palette=palette))
    GreenDiscountTier.objects.get_or_create(season=season, min_kinds=3, defaults={"percent": Decimal("30")})
    GreenDiscountTier.objects.get_or_create(season=season, min_kinds=2, defaults={"percent": Decimal("10")})
    return season


def _site_plan() -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 300, 120), outline="black", width=3)
    draw.rectangle((20, 130, 300, 180), fill=(200, 200, 200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("plan-sytuacyjny.png", buffer.getvalue(), content_type="image/png")


def _applicant() -> User:
    from django.utils import timezone

    user, created = User.objects.get_or_create(email=APPLICANT_EMAIL, defaults=dict(
        first_name="Ewa", last_name="Ogródkowa", email_verified_at=timezone.now()))
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed(*, centre: Centre, stdout) -> None:
    year = today().year
    for y in sorted({2026, 2027, year}):
        _season(centre, y)
    season = Season.objects.get(centre=centre, year=year)
    if GardenApplication.objects.filter(season=season).exists():
        stdout.write(f"Gardens: {season} already has applications; nothing added")
        return

    staff = User.objects.get(email=CENTRE_ACCOUNTS["staff"])
    owner = User.objects.get(email=CENTRE_ACCOUNTS["owner"])
    applicant = _applicant()
    rules = list(season.rules.filter(is_active=True))
    windows = {"summer": (season.summer_start, season.summer_end),
               "winter": (season.winter_start, season.winter_end)}
    made = 0
    for index, (name, status, greenery, (length, width), window) in enumerate(APPLICATIONS):
        business = Business.objects.filter(centre=centre, name=name).select_related("zone", "street").first()
        if business is None:
            continue
        by = owner if BusinessMembership.objects.filter(user=owner, business=business).exists() else applicant
        BusinessMembership.objects.get_or_create(user=by, business=business, defaults={"role": "owner"})
        start, end = windows[window]
        length_m, width_m = Decimal(length), Decimal(width)
        application = services.create_application(
            business=business, season=season, by=by, zone=business.zone, street=business.street,
            address=f"{business.street.name} {business.building_number}",
            placement="Przed elewacją lokalu, wzdłuż krawężnika", area_m2=length_m * width_m, length_m=length_m,
            width_m=width_m, period_start=start, period_end=end, pedestrian_width_m=Decimal("2.00"),
            furniture="Drewniane stoły i krzesła z metalową ramą", tables=int(length_m), seats=int(length_m) * 4,
            umbrella_colour="écru", furniture_colour="naturalne drewno", umbrella_height_m=Decimal("2.80"),
            enclosure_height_m=Decimal("1.00"), greenery=greenery, declarations={r.pk: (True, "") for r in rules},
            outline=geometry.rectangle(lon=RYNEK[0] + 0.00025 * (index % 8), lat=RYNEK[1] + 0.0004 * (index // 8),
                                       length_m=float(length_m), width_m=float(width_m)))
        services.add_attachment(application=application, kind="site_plan", upload=_site_plan(), by=by)
        photo = services.add_attachment(application=application, kind="photo", upload=_site_plan(), by=by)
        made += 1
        if status == "draft":
            continue
        if status == "withdrawn":
            services.transition(application=application, to="withdrawn", by=by, note="Rezygnujemy w tym sezonie.")
            continue
        services.transition(application=application, to="submitted", by=by)
        if status == "submitted":
            continue
        if status == "changes_requested":
            services.transition(application=application, to="changes_requested", by=staff,
                                note="Proszę dołączyć wizualizację parasoli i zmniejszyć wygrodzenie do 1,1 m.")
        elif status == "rejected":
            services.transition(application=application, to="rejected", by=staff,
                                note="Ogródek zasłaniałby portal zabytkowej kamienicy.")
        elif status in ("approved", "revoked"):
            services.transition(application=application, to="approved", by=staff, confirmed_greenery=greenery,
                                greenery_evidence=dict.fromkeys(greenery, f"attachment:{photo.pk}"),
                                note="Zgodnie z zasadami estetyki.")
            if status == "revoked":
                _inspect_and_revoke(application, staff, rules)
    _spread_over_past_weeks(season)
    stdout.write(f"Gardens: seasons 2026–2027, {len(RULES)} rules, {made} applications in {season}")


def _spread_over_past_weeks(season: Season) -> None:
    """Date the applications over the past six weeks, each step of their history a day or two after the last, so
    that lists and the dashboard ("the oldest application has waited N days") look like a real office's."""
    from django.utils import timezone

    now = timezone.now()
    moment_field = "created_at" if any(f.name == "created_at" for f in ApplicationHistory._meta.fields) else "at"
    for n, application in enumerate(GardenApplication.objects.filter(season=season).order_by("pk")):
        created = now - dt.timedelta(days=42 - 2 * n, hours=3 * (n % 4))
        changes = list(ApplicationHistory.objects.filter(application=application).order_by("pk"))
        moments = [min(created + dt.timedelta(days=step, hours=2 * step), now - dt.timedelta(hours=1))
                   for step in range(len(changes))]
        for change, moment in zip(changes, moments, strict=True):
            ApplicationHistory.objects.filter(pk=change.pk).update(**{moment_field: moment})
        submitted = next((m for c, m in zip(changes, moments, strict=True) if c.to_status == "submitted"), None)
        GardenApplication.objects.filter(pk=application.pk).update(
            created_at=created, **({"submitted_at": submitted} if application.submitted_at else {}))


def _inspect_and_revoke(application: GardenApplication, staff: User, rules: list[AestheticRule]) -> None:
    day = min(today(), application.period_end)
    results = {r.pk: (r.code != "bez-plandek", "Boczne ściany z plandeki" if r.code == "bez-plandek" else "")
               for r in rules}
    if day >= application.period_start:
        services.record_inspection(application=application, by=staff, inspected_on=day, results=results,
                                   note="Kontrola doraźna po zgłoszeniu mieszkańców.")
    services.transition(application=application, to="revoked", by=staff,
                        note="Plandeki mimo wezwania do usunięcia (kontrola).")
