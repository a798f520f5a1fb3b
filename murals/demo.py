"""Demo of the mural register (shared/domain-torun.md, "Murals").

- A FINISHED design contest of 2024 for the wall at ul. Świętej Katarzyny 4 (the real contest had nineteen
  designs from fifteen artists and the existing tree had to be kept; here six designs from six invented artists),
  judged by a commission chaired by the office's staff, commission-only ranking, results published. Its winning
  design is turned into a mural by `services.create_mural_from_winner`, then approved, painted and completed.
- Six more murals made with local businesses on real Old Town streets (invented titles and artists), with the
  walking-trail order and approximate coordinates.
- A second wall (ul. Wielkie Garbary 11) whose design contest takes designs until 31 January 2027, so that the
  design form can be tried with the demo artist's account.

Pictures are illustrations drawn with Pillow (core.demo_images), one of its own per mural, not photos of real
murals. Idempotent: what exists is found by its slug and left alone.
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from centres.demo import DEMO_ACCOUNTS as CENTRE_ACCOUNTS
from centres.demo import DEMO_PASSWORD
from centres.models import Business, Centre, Street, User, Zone
from contests.models import (
    Contest,
    Criterion,
    Entry,
    EntryImage,
    EntryStatusChange,
    JuryMember,
    Phase,
    Score,
)
from core.demo_images import MURAL_STYLES, mural_image

from . import services
from .models import Artist, Mural, MuralPhoto, MuralStatusChange, Wall

DEMO_ACCOUNTS = [("artist (mural designs)", "artystka@demo.starowka.pl")]

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
CONTEST_SLUG = "mural-swietej-katarzyny-2024"
OPEN_CONTEST_SLUG = "mural-wielkie-garbary-2027"
PUBLIC_ZONE = "stare-miasto-drogi-publiczne"

# title, entrant (first, last), palette; the first is the winner.
DESIGNS = [
    ("Drzewo flisaków", ("Zofia", "Wiślańska"), ("#2f6f4f", "#e8c170")),
    ("Toruńskie niebo Kopernika", ("Marek", "Gwiezdny"), ("#1d3557", "#f1faee")),
    ("Pierniki i anioły", ("Agata", "Korzenna"), ("#8d5524", "#f6d7a7")),
    ("Gotyk w kolorze", ("Tomasz", "Ceglany"), ("#9b2226", "#ee9b00")),
    ("Wisła o świcie", ("Julia", "Nurt"), ("#0077b6", "#caf0f8")),
    ("Mieszkańcy Katarzynki", ("Paweł", "Sąsiedzki"), ("#6a4c93", "#ffca3a")),
]

# title, address, street, year, area, status, trail, (lat, lon), sponsor slugs, artist, palette, description pl/en
MURALS = [
    ("Flisacy na Wiśle", "ul. Mostowa 12", "", 2019, "64.00", "completed", 2, ("53.008650", "18.610120"),
     ["restauracja-flisak"], "Kolektyw Wiślany", ("#005f73", "#94d2bd"),
     "Flisacy spławiający drewno do Gdańska – hołd dla rzecznej historii Torunia.",
     "Raftsmen floating timber to Gdańsk: a tribute to Toruń's river history."),
    ("Piernikowy Kopernik", "ul. Rabiańska 9", "", 2020, "38.50", "completed", 3, ("53.009280", "18.604790"),
     ["pracownia-piernika-torunskiego"], "Agata Korzenna", ("#7f4f24", "#ddb892"),
     "Mikołaj Kopernik w piernikowym ornamencie, namalowany z toruńską pracownią piernika.",
     "Nicolaus Copernicus in a gingerbread ornament, painted with a Toruń gingerbread workshop."),
    ("Anioł z Szerokiej", "ul. Szeroka 35", "Szeroka", 2021, "22.00", "completed", 1, ("53.010520", "18.607940"),
     ["herbaciarnia-pod-aniolem", "kawiarnia-pod-pierniczkiem"], "Marek Gwiezdny", ("#3a0ca3", "#f72585"),
     "Anioł z herbu Torunia nad wejściem do kamienicy – najmniejszy mural na szlaku.",
     "The angel of Toruń's coat of arms above a tenement's door: the smallest mural on the trail."),
    ("Zabawki z dawnych lat", "ul. Chełmińska 14", "Chełmińska", 2018, "30.00", "needs_maintenance", None,
     ("53.012470", "18.602130"), ["muzeum-zabawek-dawnych"], "Tomasz Ceglany", ("#bc4749", "#f2e8cf"),
     "Drewniane konie, lalki i bączki z kolekcji muzeum.",
     "Wooden horses, dolls and spinning tops from the museum's collection."),
    ("Postacie Starówki", "ul. Podmurna 28", "Podmurna", 2025, "96.00", "completed", 4, ("53.011020", "18.611050"),
     ["hotel-pod-murami"], "Kolektyw Wiślany", ("#283618", "#fefae0"),
     "Postacie z historii Starego Miasta: flisak, piernikarz, astronom i przekupka.",
     "Figures from the Old Town's history: a raftsman, a gingerbread baker, an astronomer and a market woman."),
    ("Wisła o zmierzchu", "ul. Łazienna 6", "Łazienna", 2026, "41.00", "being_painted", None, None,
     ["galeria-ducha"], "Julia Nurt", ("#03045e", "#ffb703"),
     "Panorama Wisły o zmierzchu, malowana latem 2026 r.", "The Vistula at dusk, being painted in summer 2026."),
]


def _at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=WARSAW)


def placeholder(title: str, colours: tuple[str, str], *, size: tuple[int, int] = (800, 560)) -> bytes:
    """A picture of its own for each mural (core.demo_images): the murals of MURALS each get another composition."""
    titles = [m[0] for m in MURALS]
    style = MURAL_STYLES[titles.index(title) % len(MURAL_STYLES)] if title in titles else None
    return mural_image(title, colours, size=size, style=style)


def _user(email: str, first: str, last: str, *, password: bool = False) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={
        "first_name": first, "last_name": last, "email_verified_at": timezone.now()})
    if created:
        if password:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def seed(*, centre: Centre, stdout) -> None:
    staff = User.objects.filter(email=CENTRE_ACCOUNTS["staff"]).first()
    if staff is None:
        stdout.write("murals: skipped (the centre's demo staff account is missing)")
        return
    zone = Zone.objects.filter(centre=centre, slug=PUBLIC_ZONE).first()
    _user(DEMO_ACCOUNTS[0][1], "Ola", "Muralska", password=True)
    _finished_contest(centre, staff, zone)
    _business_murals(centre, zone)
    _open_contest(centre, zone)
    stdout.write(f"murals: {Mural.objects.filter(centre=centre).count()} murals, "
                 f"{Wall.objects.filter(centre=centre).count()} walls, the 2024 contest finished")


def _finished_contest(centre: Centre, staff: User, zone: Zone | None) -> None:
    contest = Contest.objects.filter(centre=centre, slug=CONTEST_SLUG).first()
    if contest is None:
        contest = _make_contest(centre, staff)
    wall = Wall.objects.filter(contest=contest).first()
    if wall is None:
        wall = Wall.objects.create(
            centre=centre, address="ul. Świętej Katarzyny 4",
            street=Street.objects.filter(centre=centre, name="Świętej Katarzyny").first(), zone=zone,
            building_owner="Zakład Gospodarowania Nieruchomościami w Toruniu", width_m=Decimal("9.00"),
            height_m=Decimal("14.00"), contest=contest,
            constraints_pl=("Ściana w strefie ochrony konserwatorskiej: projekt wymaga zgody Miejskiego Konserwatora "
                            "Zabytków. Istniejące drzewo przy ścianie musi zostać zachowane i wpisane w kompozycję. "
                            "Farby elewacyjne, bez reklam, logotypów i napisów handlowych."),
            constraints_en=("The wall is in the monuments protection zone: the design needs the approval of the "
                            "city's monuments conservator. The existing tree by the wall must be kept and made part "
                            "of the composition. Facade paints; no advertising, logos or trade names."),
            photo=ContentFile(placeholder("ul. Świętej Katarzyny 4", ("#b5651d", "#e9d8a6")), name="katarzyny-4.png"),
            photo_alt="Pusta ściana szczytowa kamienicy z drzewem przed nią")
    winner = contest.entries.filter(status=Entry.Status.WINNER).first()
    if winner is not None and not Mural.objects.filter(winning_entry=winner).exists():
        mural = services.create_mural_from_winner(entry=winner, by=staff)
        # The register entry dates from when the results were published, before the painting.
        MuralStatusChange.objects.filter(mural=mural, from_status="").update(created_at=_at(2024, 10, 25))
        steps = [(Mural.Status.PLANNED, Mural.Status.APPROVED, _at(2024, 11, 20), "Zgoda konserwatora zabytków"),
                 (Mural.Status.APPROVED, Mural.Status.BEING_PAINTED, _at(2025, 5, 5), "Start prac"),
                 (Mural.Status.BEING_PAINTED, Mural.Status.COMPLETED, _at(2025, 6, 27), "Odbiór prac")]
        for old, new, at, note in steps:
            change = MuralStatusChange.objects.create(mural=mural, from_status=old, to_status=new, by=staff,
                                                      note=note)
            MuralStatusChange.objects.filter(pk=change.pk).update(created_at=at)
        taken = set(Mural.objects.filter(centre=centre).values_list("trail_order", flat=True))
        mural.status = Mural.Status.COMPLETED
        mural.year = 2025
        mural.latitude, mural.longitude = Decimal("53.011780"), Decimal("18.612410")
        mural.trail_order = 5 if 5 not in taken else None
        mural.description_en = "The raftsmen's tree: the design that won the 2024 contest, painted around the tree."
        mural.save()


def _make_contest(centre: Centre, staff: User) -> Contest:
    contest = Contest.objects.create(
        centre=centre, kind=Contest.Kind.MURAL_DESIGN, slug=CONTEST_SLUG, year=2024,
        title_pl="Konkurs na projekt muralu przy ul. Świętej Katarzyny 4",
        title_en="Mural design contest for ul. Świętej Katarzyny 4",
        rules_pl=("Otwarty konkurs na projekt muralu na ścianie szczytowej kamienicy przy ul. Świętej Katarzyny 4. "
                  "Projekty ocenia komisja pod przewodnictwem dyrektora Biura Toruńskiego Centrum Miasta; "
                  "o wyniku decyduje ranking komisji. Istniejące drzewo musi zostać zachowane."),
        rules_en=("An open contest for a mural design on the gable wall at ul. Świętej Katarzyny 4. A commission "
                  "chaired by the director of the Toruń City Centre Office judges the designs; its ranking "
                  "decides. The existing tree must be kept."),
        prizes_pl="Realizacja projektu i honorarium 12 000 zł dla autora zwycięskiego projektu.",
        prizes_en="The winning design is painted and its author receives a fee of 12,000 PLN.",
        ranking_method=Contest.RankingMethod.COMMISSION)
    for kind, start, end in ((Phase.Kind.ENTRIES, _at(2024, 6, 1, 0), _at(2024, 8, 31, 23)),
                             (Phase.Kind.REVIEW, _at(2024, 9, 2, 0), _at(2024, 10, 15, 23)),
                             (Phase.Kind.RESULTS, _at(2024, 10, 21, 0), None)):
        Phase.objects.create(contest=contest, kind=kind, starts_at=start, ends_at=end, opened_at=start,
                             closed_at=end)
    jurors = [JuryMember.objects.create(contest=contest, user=staff, is_chair=True)]
    for email, first, last in (("juror.plastyk@demo.starowka.pl", "Krzysztof", "Plastyk"),
                               ("juror.konserwator@demo.starowka.pl", "Barbara", "Zabytkowa")):
        jurors.append(JuryMember.objects.create(contest=contest, user=_user(email, first, last)))
    criteria = [
        Criterion.objects.create(contest=contest, name_pl="Wartość artystyczna", name_en="Artistic value",
                                 weight=Decimal("3"), max_score=10, position=1),
        Criterion.objects.create(contest=contest, name_pl="Wpisanie w otoczenie i drzewo",
                                 name_en="Fit with the surroundings and the tree", weight=Decimal("2"),
                                 max_score=10, position=2),
        Criterion.objects.create(contest=contest, name_pl="Związek z historią Torunia",
                                 name_en="Link with Toruń's history", weight=Decimal("1"), max_score=5, position=3),
    ]
    for n, (title, (first, last), colours) in enumerate(DESIGNS):
        author = _user(f"projektant{n + 1:02d}@demo.starowka.pl", first, last)
        status = Entry.Status.WINNER if n == 0 else (Entry.Status.FINALIST if n < 3 else Entry.Status.ELIGIBLE)
        entry = Entry.objects.create(contest=contest, submitted_by=author, title=title, status=status,
                                     description=f"Projekt muralu „{title}” z zachowanym drzewem w kompozycji.",
                                     created_at=_at(2024, 6, 10) + dt.timedelta(days=n * 7))
        EntryImage.objects.create(entry=entry, alt_text=f"Projekt „{title}” – widok ściany", position=0,
                                  image=ContentFile(placeholder(title, colours), name=f"projekt-{n + 1}.png"))
        path = [Entry.Status.SUBMITTED, Entry.Status.ELIGIBLE]
        if n < 3:
            path += [Entry.Status.SHORTLISTED, Entry.Status.FINALIST]
        if n == 0:
            path.append(Entry.Status.WINNER)
        for step, (old, new) in enumerate(itertools.pairwise(path)):
            change = EntryStatusChange.objects.create(entry=entry, from_status=old, to_status=new, by=staff,
                                                      note="Decyzja komisji")
            EntryStatusChange.objects.filter(pk=change.pk).update(
                created_at=_at(2024, 9, 5) + dt.timedelta(days=step * 12))
        for seat, juror in enumerate(jurors):
            for criterion in criteria:
                value = max(Decimal(1), Decimal(criterion.max_score) - (n + seat % 2 + criterion.position) % 5 - n)
                Score.objects.create(juror=juror, entry=entry, criterion=criterion, value=value,
                                     created_at=_at(2024, 10, 1))
    _publish_correct_republish(contest, jurors, staff)
    return contest


def _publish_correct_republish(contest: Contest, jurors: list, staff: User) -> None:
    """The whole cycle of a result, through the contest services: published; then a juror's conflict came to
    light (he had taught the author of the second design), so the office opened a correction, recorded the
    conflict (his scores of that design stop counting) and republished with the reason. Both versions stay."""
    from contests import services as contest_services
    from contests.models import ResultPublication

    first = contest_services.publish_results(contest=contest, by=staff)
    reason = "Konflikt interesów jurora ujawniony po publikacji: oceny projektu „Toruńskie niebo Kopernika” nie liczą się"
    contest_services.open_correction(contest=contest, by=staff, reason=reason)
    second_design = contest.entries.order_by("created_at", "pk")[1]
    contest_services.record_conflict(juror=jurors[1], entry=second_design, by=staff,
                                     reason="Był nauczycielem autora projektu")
    second = contest_services.publish_results(contest=contest, by=staff, reason=reason)
    ResultPublication.objects.filter(pk=first.pk).update(published_at=_at(2024, 10, 21, 10))
    ResultPublication.objects.filter(pk=second.pk).update(published_at=_at(2024, 10, 28, 10))
    Contest.objects.filter(pk=contest.pk).update(results_published_at=_at(2024, 10, 21, 10))


def _business_murals(centre: Centre, zone: Zone | None) -> None:
    businesses = {b.slug: b for b in Business.objects.filter(centre=centre)}
    taken = set(Mural.objects.filter(centre=centre, trail_order__isnull=False).values_list("trail_order", flat=True))
    for (title, address, _street, year, area, status, trail, coords, sponsors, artist_name, colours, text_pl,
         text_en) in MURALS:
        slug = services.unique_slug(Mural, centre, title)
        if Mural.objects.filter(centre=centre, title=title).exists():
            continue
        trail = trail if trail not in taken else None
        mural = Mural.objects.create(
            centre=centre, title=title, slug=slug, address=address, zone=zone, year=year, area_m2=Decimal(area),
            status=status, trail_order=trail, description_pl=text_pl, description_en=text_en,
            latitude=Decimal(coords[0]) if coords else None, longitude=Decimal(coords[1]) if coords else None)
        if trail is not None:
            taken.add(trail)
        artist = Artist.objects.filter(centre=centre, name=artist_name).first() or Artist.objects.create(
            centre=centre, name=artist_name, slug=services.unique_slug(Artist, centre, artist_name))
        mural.artists.add(artist)
        mural.sponsors.add(*[businesses[s] for s in sponsors if s in businesses])
        change = MuralStatusChange.objects.create(mural=mural, from_status="", to_status=status,
                                                  note="Wpis do rejestru (dane demonstracyjne)")
        MuralStatusChange.objects.filter(pk=change.pk).update(created_at=_at(year, 9, 1))
        for n in range(2):
            MuralPhoto.objects.create(
                mural=mural, position=n, credit="Biuro Toruńskiego Centrum Miasta",
                image=ContentFile(placeholder(title, colours if n == 0 else colours[::-1]), name=f"{slug}-{n}.png"),
                alt_pl=f"Mural „{title}”, {address} – {'widok ogólny' if n == 0 else 'szczegół'}",
                alt_en=f"The mural “{title}”, {address}: {'general view' if n == 0 else 'detail'}")


def _open_contest(centre: Centre, zone: Zone | None) -> None:
    if Contest.objects.filter(centre=centre, slug=OPEN_CONTEST_SLUG).exists():
        return
    contest = Contest.objects.create(
        centre=centre, kind=Contest.Kind.MURAL_DESIGN, slug=OPEN_CONTEST_SLUG, year=2027,
        title_pl="Konkurs na mural przy ul. Wielkie Garbary 11", title_en="Mural contest for ul. Wielkie Garbary 11",
        rules_pl="Projekty do 31 stycznia 2027 r.; ocenia komisja BTCM.",
        rules_en="Designs until 31 January 2027; the office's commission judges them.",
        ranking_method=Contest.RankingMethod.COMMISSION)
    for kind, start, end in ((Phase.Kind.ENTRIES, _at(2026, 11, 1, 0), _at(2027, 1, 31, 23)),
                             (Phase.Kind.REVIEW, _at(2027, 2, 1, 0), _at(2027, 3, 15, 23)),
                             (Phase.Kind.RESULTS, _at(2027, 3, 20, 0), None)):
        Phase.objects.create(contest=contest, kind=kind, starts_at=start, ends_at=end)
    Wall.objects.create(
        centre=centre, address="ul. Wielkie Garbary 11", zone=zone,
        street=Street.objects.filter(centre=centre, name="Wielkie Garbary").first(),
        building_owner="Wspólnota Mieszkaniowa Wielkie Garbary 11", width_m=Decimal("7.50"),
        height_m=Decimal("11.00"), contest=contest,
        constraints_pl=("Zgoda konserwatora zabytków wymagana. Kolorystyka stonowana, nawiązująca do cegły; "
                        "okno na drugim piętrze pozostaje odsłonięte. Bez reklam."),
        constraints_en=("The monuments conservator's approval is needed. Muted colours in keeping with the brick; "
                        "the second-floor window stays uncovered. No advertising."))
