"""Demo of the green-garden contest 2026 (shared/domain-torun.md: "Zielony Ogródek Toruńskiej Starówki").

Nominations closed in summer, the commission scored and picked the finalists, round one is over and the final
round is open until 18 December 2026; votes and paper ballots from the city information points are in. The
finalists are the gardens app's demo permits of 2026 with all three kinds of greenery. Idempotent: a second run
finds the contest and adds nothing.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from centres.demo import DEMO_ACCOUNTS as CENTRE_ACCOUNTS
from centres.demo import DEMO_PASSWORD
from centres.models import Centre, User
from core.demo_images import garden_image

from .models import (
    Contest,
    Criterion,
    Entry,
    EntryImage,
    EntryStatusChange,
    JuryMember,
    Nomination,
    PaperBallotBatch,
    Phase,
    RoundEntry,
    Score,
    Vote,
    VotingRound,
)

DEMO_ACCOUNTS = [("juror (green-garden contest)", "jurorka@demo.starowka.pl")]
# What each finalist wrote about its garden (one each, in the order of the gardens).
DESCRIPTIONS = [
    "Ogródek pełen zieleni: donice z lawendą, bluszcz na pergoli i wysokie tuje przy elewacji.",
    "Drewniane skrzynie z ziołami do naszej kuchni – bazylia, tymianek i mięta – oraz pnące róże przy wejściu.",
    "Trawy ozdobne i hortensje w donicach z wikliny; wieczorem oświetlają je małe latarenki.",
    "Zielona ściana z paproci i bluszczu zasłania zaplecze, a przy stolikach stoją pelargonie w kolorach Torunia.",
    "Niskie żywopłoty bukszpanowe wyznaczają ogródek, w środku kwitną lawenda i szałwia.",
    "Pergola z winobluszczem daje cień w południe; donice z aksamitkami ustawiamy co roku w nowym wzorze.",
]

YEAR = 2026
SLUG = "zielony-ogrodek-2026"
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
INFO_POINTS = ["Centrum Informacji Turystycznej, Rynek Staromiejski 25",
               "Dwór Artusa, Rynek Staromiejski 6"]
VOTERS = 40


def _at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = YEAR) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=WARSAW)


def seed(*, centre: Centre, stdout) -> None:
    if Contest.objects.filter(centre=centre, slug=SLUG).exists():
        stdout.write("contests: the green-garden contest 2026 is already there")
        return
    from gardens.models import GreeneryKind
    from gardens.selectors import permitted_gardens

    all_kinds = set(GreeneryKind.values)
    gardens = [g for g in permitted_gardens(centre=centre, year=YEAR) if g.confirmed_greenery_kinds() >= all_kinds]
    if len(gardens) < 2:
        stdout.write("contests: skipped the green-garden contest (no 2026 garden permits with three greenery kinds)")
        return
    gardens = gardens[:12]

    contest = Contest.objects.create(
        centre=centre, kind=Contest.Kind.GREEN_GARDEN, slug=SLUG, year=YEAR,
        title_pl="Zielony Ogródek Toruńskiej Starówki 2026", title_en="Green Garden of Toruń's Old Town 2026",
        rules_pl=("Konkurs dla ogródków gastronomicznych na Starówce z zezwoleniem na sezon 2026. Zgłaszać mogą "
                  "właściciele lokali i nieruchomości, mieszkańcy i turyści. Ogródek musi mieć wszystkie trzy rodzaje "
                  "żywej zieleni: wysokie rośliny przy elewacji, donice wzdłuż całego ogrodzenia oraz rośliny "
                  "wiszące lub pnące. Komisja wybiera finalistów, o zwycięstwie decyduje głosowanie publiczne "
                  "(online i na kartach papierowych w punktach informacji miejskiej), w dwóch rundach."),
        rules_en=("For Old Town café gardens with a permit for the 2026 season. Owners of the business or the "
                  "property, residents and visitors may nominate. A garden needs all three kinds of live greenery: "
                  "tall plants against the facade, planters along the whole enclosure, hanging or climbing plants. "
                  "The commission picks the finalists; the public vote decides (online and on paper ballots at the "
                  "city information points), in two rounds."),
        prizes_pl="Nagrody o łącznej wartości 15 000 zł; zwycięzca otrzymuje tablicę „Zielony Ogródek 2026”.",
        prizes_en="Prizes worth 15,000 PLN in all; the winner gets the “Green Garden 2026” plaque.",
        ranking_method=Contest.RankingMethod.PUBLIC,
    )
    for kind, start, end in ((Phase.Kind.ENTRIES, _at(6, 1), _at(8, 31, 23, 59)),
                             (Phase.Kind.REVIEW, _at(9, 1), _at(10, 15, 23, 59)),
                             (Phase.Kind.VOTING, _at(10, 20), _at(12, 18, 23, 59)),
                             (Phase.Kind.RESULTS, _at(12, 19), None)):
        Phase.objects.create(contest=contest, kind=kind, starts_at=start, ends_at=end)

    staff = User.objects.get(email=CENTRE_ACCOUNTS["staff"])
    juror_user, created = User.objects.get_or_create(
        email=DEMO_ACCOUNTS[0][1],
        defaults={"first_name": "Ewa", "last_name": "Ogrodnicka", "email_verified_at": timezone.now()})
    if created:
        juror_user.set_password(DEMO_PASSWORD)
        juror_user.save()
    chair = JuryMember.objects.create(contest=contest, user=staff, is_chair=True)
    juror = JuryMember.objects.create(contest=contest, user=juror_user)
    criteria = [
        Criterion.objects.create(contest=contest, name_pl="Bogactwo i kondycja zieleni",
                                 name_en="Richness and condition of the greenery", weight=Decimal("3"), max_score=10,
                                 position=1),
        Criterion.objects.create(contest=contest, name_pl="Harmonia z zabytkową zabudową",
                                 name_en="Harmony with the historic buildings", weight=Decimal("2"), max_score=10,
                                 position=2),
        Criterion.objects.create(contest=contest, name_pl="Dostępność i wygoda", name_en="Accessibility and comfort",
                                 weight=Decimal("1"), max_score=5, position=3),
    ]

    voters = _voters()
    resident = User.objects.filter(email=CENTRE_ACCOUNTS["resident"]).first()
    entries = []
    for n, garden in enumerate(gardens):
        entry = Entry.objects.create(
            contest=contest, garden=garden, submitted_by=voters[n], created_at=_at(6, 2 + n, 10),
            title=f"{garden.business.name} · {garden.address}",
            description=DESCRIPTIONS[n % len(DESCRIPTIONS)],
            status=Entry.Status.FINALIST)
        EntryImage.objects.create(entry=entry, position=0, alt_text=f"Ogródek {garden.business.name} od strony ulicy",
                                  image=ContentFile(garden_image(entry.title), name=f"ogrodek-{n + 1}.png"))
        for step, (old, new) in enumerate((("submitted", "eligible"), ("eligible", "shortlisted"),
                                           ("shortlisted", "finalist"))):
            change = EntryStatusChange.objects.create(entry=entry, from_status=old, to_status=new, by=staff,
                                                      note="Decyzja komisji")
            EntryStatusChange.objects.filter(pk=change.pk).update(created_at=_at(9, 5 + step * 10))
        relations = [Nomination.Relation.OWNER, Nomination.Relation.RESIDENT, Nomination.Relation.VISITOR]
        for k in range(1 + n % 3):
            Nomination.objects.create(entry=entry, user=voters[n + k * 7], relation=relations[k],
                                      created_at=_at(6, 2 + n, 11 + k))
        if resident is not None and n == 0:
            Nomination.objects.create(entry=entry, user=resident, relation=Nomination.Relation.RESIDENT,
                                      reason="Najpiękniejsze kwiaty na Starówce.", created_at=_at(7, 1, 18))
        for seat, shift in ((chair, 0), (juror, 1)):
            for c in criteria:
                value = max(Decimal(1), Decimal(c.max_score) - (n + shift + c.position) % 4)
                Score.objects.create(juror=seat, entry=entry, criterion=c, value=value, created_at=_at(10, 1, 12))
        entries.append(entry)

    first = VotingRound.objects.create(contest=contest, number=1, name="Runda 1", starts_at=_at(10, 20),
                                       ends_at=_at(11, 10, 23, 59))
    final = VotingRound.objects.create(contest=contest, number=2, name="Finał", starts_at=_at(11, 16),
                                       ends_at=_at(12, 18, 23, 59))
    for entry in entries:
        RoundEntry.objects.create(round=first, entry=entry)
    for entry in entries[:8]:
        RoundEntry.objects.create(round=final, entry=entry)

    _votes(first, entries, voters, offset=0, cast_on=_at(10, 25, 12))
    _votes(final, entries[:8], voters, offset=1, cast_on=_at(11, 20, 12))
    _ballots_and_audit(first, final, entries, staff)
    stdout.write(f"contests: green-garden contest 2026 with {len(entries)} gardens, final round open until 18 Dec")


def _ballots_and_audit(first: VotingRound, final: VotingRound, entries: list[Entry], staff: User) -> None:
    """Through the services, as the office does it: a void with its reason, paper ballots in protocol batches
    (one mistyped and reversed, then entered right), the first round's protocol reconciled; all in the history."""
    from . import services

    void = Vote.objects.filter(round=first).order_by("pk").first()
    services.void_vote(vote=void, by=staff, reason="Konto założone tylko do głosowania")
    Vote.objects.filter(pk=void.pk).update(voided_at=_at(11, 2, 9))
    for round_, its_entries in ((first, entries), (final, entries[:8])):
        for n, entry in enumerate(its_entries):
            for p, place in enumerate(INFO_POINTS):
                services.add_paper_ballots(
                    voting_round=round_, entry=entry, place=place, count=1 + (n * 7 + p * 5) % 6, by=staff,
                    protocol_number=f"R{round_.number}/{'CIT' if p == 0 else 'DA'}/{n + 1}",
                    counted_by="Anna Liczyńska i Piotr Urnowy", note="Urna opróżniona i przeliczona")
    # A batch typed with one digit too many, reversed with the reason, then entered with the protocol's figure.
    wrong = services.add_paper_ballots(voting_round=first, entry=entries[0], place=INFO_POINTS[0], count=40,
                                       by=staff, protocol_number="R1/CIT/dopisek", counted_by="Anna Liczyńska")
    services.reverse_paper_batch(batch=wrong, by=staff, reason="Pomyłka przy wpisywaniu: w protokole jest 4, nie 40")
    services.add_paper_ballots(voting_round=first, entry=entries[0], place=INFO_POINTS[0], count=4, by=staff,
                               protocol_number="R1/CIT/dopisek", counted_by="Anna Liczyńska")
    valid = sum(PaperBallotBatch.objects.filter(round=first).values_list("count", flat=True))
    services.record_protocol(voting_round=first, by=staff, issued=valid + 20, returned=valid + 3, valid=valid,
                             void=3, note="Protokół komisji skrutacyjnej, podpisany 11 listopada")


def _voters() -> list[User]:
    """Demo residents who nominated and voted (no password: they cannot log in)."""
    voters = []
    for n in range(VOTERS):
        user, created = User.objects.get_or_create(
            email=f"glosujacy{n + 1:02d}@demo.starowka.pl",
            defaults={"first_name": "Mieszkaniec", "last_name": f"Demo {n + 1}", "email_verified_at": timezone.now()})
        if created:
            user.set_unusable_password()
            user.save()
        voters.append(user)
    return voters


def _votes(voting_round: VotingRound, entries: list[Entry], voters: list[User], *, offset: int,
           cast_on: dt.datetime) -> None:
    """Votes leaning to the first entries, so that the bars differ."""
    weights = [len(entries) - i for i in range(len(entries))]
    pool = [e for e, w in zip(entries, weights, strict=True) for _ in range(w)]
    round_entries = {re.entry_id: re for re in RoundEntry.objects.filter(round=voting_round)}
    Vote.objects.bulk_create(
        Vote(round=voting_round, entry=entry, round_entry=round_entries[entry.pk], voter=voter,
             created_at=cast_on + dt.timedelta(minutes=7 * n))
        for n, voter in enumerate(voters) for entry in [pool[(n * 5 + offset) % len(pool)]])
