"""Invariants of the register that the database itself enforces."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from murals.models import Mural
from tests.murals.factories import MuralFactory, WallFactory


@pytest.mark.django_db
class TestDatabaseConstraints:
    @pytest.mark.parametrize("area", [Decimal("0"), Decimal("-3")])
    def test_area_must_be_above_zero(self, centre, area):
        with pytest.raises(IntegrityError), transaction.atomic():
            MuralFactory(centre=centre, area_m2=area)

    @pytest.mark.parametrize(("lat", "lon"), [(Decimal("91"), Decimal("18")), (Decimal("53"), Decimal("-181")),
                                              (Decimal("53.01"), None), (None, Decimal("18.6"))])
    def test_coordinates_in_range_and_given_together(self, centre, lat, lon):
        with pytest.raises(IntegrityError), transaction.atomic():
            MuralFactory(centre=centre, latitude=lat, longitude=lon)

    def test_valid_coordinates_are_stored(self, centre):
        mural = MuralFactory(centre=centre, latitude=Decimal("53.010278"), longitude=Decimal("18.604167"))
        assert mural.has_coordinates

    def test_trail_position_is_unique_per_centre(self, centre, other_centre):
        MuralFactory(centre=centre, trail_order=1)
        MuralFactory(centre=other_centre, trail_order=1)  # another centre's trail
        MuralFactory(centre=centre, trail_order=None)
        MuralFactory(centre=centre, trail_order=None)  # many murals off the trail
        with pytest.raises(IntegrityError), transaction.atomic():
            MuralFactory(centre=centre, trail_order=1)
        assert Mural.objects.filter(centre=centre).count() == 3

    def test_year_range(self, centre):
        with pytest.raises(IntegrityError), transaction.atomic():
            MuralFactory(centre=centre, year=1800)

    def test_wall_size_must_be_positive(self, centre):
        with pytest.raises(IntegrityError), transaction.atomic():
            WallFactory(centre=centre, width_m=Decimal("0"))

    def test_one_mural_per_winning_entry(self, centre):
        from tests.contests.factories import EntryFactory

        entry = EntryFactory(contest__centre=centre, status="winner")
        MuralFactory(centre=centre, winning_entry=entry)
        with pytest.raises(IntegrityError), transaction.atomic():
            MuralFactory(centre=centre, winning_entry=entry)

    def test_description_follows_the_language(self, centre):
        from django.utils import translation

        mural = MuralFactory(centre=centre, description_pl="Po polsku", description_en="In English")
        with translation.override("pl"):
            assert mural.description == "Po polsku"
        with translation.override("en"):
            assert mural.description == "In English"
        mural.description_en = ""
        with translation.override("en"):
            assert mural.description == "Po polsku"
