"""Factories of the contest engine (and, until the gardens app ships its own, of an approved garden)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from contests.models import (
    Contest,
    Criterion,
    Entry,
    JuryMember,
    PaperBallotBatch,
    Phase,
    RoundEntry,
    Vote,
    VotingRound,
)
from tests.factories import BusinessFactory, CentreFactory, UserFactory

DAY = dt.timedelta(days=1)


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    centre = factory.SubFactory(CentreFactory)
    kind = Contest.Kind.OTHER
    slug = factory.Sequence(lambda n: f"konkurs-{n}")
    year = 2026
    title_pl = factory.Sequence(lambda n: f"Konkurs {n}")
    title_en = factory.Sequence(lambda n: f"Contest {n}")
    ranking_method = Contest.RankingMethod.PUBLIC


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    contest = factory.SubFactory(ContestFactory)
    kind = Phase.Kind.ENTRIES
    starts_at = factory.LazyFunction(lambda: timezone.now() - DAY)
    ends_at = factory.LazyFunction(lambda: timezone.now() + DAY)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    contest = factory.SubFactory(ContestFactory)
    submitted_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Entry {n}")
    description = "A design."
    status = Entry.Status.ELIGIBLE


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    contest = factory.SubFactory(ContestFactory)
    name_pl = factory.Sequence(lambda n: f"Kryterium {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    max_score = 10


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMember

    contest = factory.SubFactory(ContestFactory)
    user = factory.SubFactory(UserFactory)


class VotingRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VotingRound

    contest = factory.SubFactory(ContestFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_at = factory.LazyFunction(lambda: timezone.now() - DAY)
    ends_at = factory.LazyFunction(lambda: timezone.now() + DAY)
    eligibility = VotingRound.Eligibility.VERIFIED_EMAIL


class RoundEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundEntry

    round = factory.SubFactory(VotingRoundFactory)
    entry = factory.SubFactory(EntryFactory, contest=factory.SelfAttribute("..round.contest"))


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    round = factory.SubFactory(VotingRoundFactory)
    entry = factory.SubFactory(EntryFactory, contest=factory.SelfAttribute("..round.contest"))
    round_entry = factory.LazyAttribute(
        lambda o: RoundEntry.objects.get_or_create(round=o.round, entry=o.entry)[0])
    voter = factory.SubFactory(UserFactory)


class PaperBallotBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperBallotBatch

    round = factory.SubFactory(VotingRoundFactory)
    entry = factory.SubFactory(EntryFactory, contest=factory.SelfAttribute("..round.contest"))
    place = "Punkt informacji turystycznej, Rynek Staromiejski 25"
    count = 10
    protocol_number = factory.Sequence(lambda n: f"P/{n + 1}")
    counted_by = "Anna Liczyńska"


def round_with_entries(contest: Contest, n: int = 3, **kwargs) -> tuple[VotingRound, list[Entry]]:
    voting_round = VotingRoundFactory(contest=contest, **kwargs)
    entries = [EntryFactory(contest=contest) for _ in range(n)]
    for entry in entries:
        RoundEntry.objects.create(round=voting_round, entry=entry)
    return voting_round, entries


def approved_garden(*, centre, year: int = 2026, greenery: tuple[str, ...] = ("tall_plants", "planters", "hanging"),
                    status: str = "approved", business=None):
    """An approved café-garden permit of a season, made directly (the gardens app's models)."""
    from gardens.models import GardenApplication, Season

    season, _ = Season.objects.get_or_create(
        centre=centre, year=year,
        defaults={"summer_start": dt.date(year, 3, 15), "summer_end": dt.date(year, 11, 15)})
    business = business or BusinessFactory(centre=centre)
    n = GardenApplication.objects.count() + 1
    return GardenApplication.objects.create(
        business=business, season=season, zone=business.zone, street=business.street,
        address=f"{business.street.name} {business.building_number}", area_m2=Decimal("20"), length_m=Decimal("5"),
        width_m=Decimal("4"), period_start=dt.date(year, 4, 1), period_end=dt.date(year, 10, 31),
        pedestrian_width_m=Decimal("2"), status=status,
        permit_number=f"{centre.code}/OG/{year}/{n:04d}" if status in ("approved", "revoked") else None,
        confirmed_tall_plants="tall_plants" in greenery, confirmed_planters="planters" in greenery,
        confirmed_hanging="hanging" in greenery,
        declared_tall_plants="tall_plants" in greenery, declared_planters="planters" in greenery,
        declared_hanging="hanging" in greenery,
    )
