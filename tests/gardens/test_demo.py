"""The demo data loads, is idempotent, and gives the contest demo permits with all three kinds of greenery."""

import io

import time_machine

from centres import demo as centre_demo
from gardens import demo
from gardens.models import GardenApplication
from gardens.selectors import permitted_gardens


@time_machine.travel("2026-06-01 10:00 +0200")
def test_seed_is_idempotent_and_has_every_state(db):
    out = io.StringIO()
    centre = centre_demo.seed(out)
    demo.seed(centre=centre, stdout=out)
    demo.seed(centre=centre, stdout=out)
    statuses = set(GardenApplication.objects.values_list("status", flat=True))
    assert statuses == set(GardenApplication.Status.values) - {"in_review"}  # in review: legacy rows only
    assert GardenApplication.objects.count() == 15
    green = [p for p in permitted_gardens(centre=centre, year=2026) if len(p.confirmed_greenery_kinds()) == 3]
    assert len(green) >= 5
    assert any(p.business.memberships.filter(user__email=centre_demo.DEMO_ACCOUNTS["owner"]).exists()
               for p in green)
    assert centre.garden_seasons.filter(year=2027).get().rules.count() == len(demo.RULES)


@time_machine.travel("2027-01-10 10:00 +0100")
def test_seed_in_winter_takes_the_current_years_season(db):
    out = io.StringIO()
    centre = centre_demo.seed(out)
    demo.seed(centre=centre, stdout=out)
    assert GardenApplication.objects.filter(season__year=2027).count() == 15
