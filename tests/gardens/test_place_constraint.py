"""One garden per place in the database too (PostgreSQL): an exclusion constraint on the approved outlines.

The service's shapely check is the primary one and is tested in test_applications; these tests prove the
database refuses what the service cannot see (a race across two seasons' locks, a write outside the service),
and that its refusal reaches the caller as the service's own (field `outline`, code `place_taken`).
"""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.errors import Code
from gardens import geometry, services
from gardens.models import GardenApplication
from tests.factories import BusinessFactory, MembershipFactory, StaffFactory
from tests.gardens.factories import SeasonFactory, ready_application

S = GardenApplication.Status
LON, LAT = 18.6040, 53.0100
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the constraint exists on PostgreSQL")


def test_the_stored_polygon_is_the_outline_in_metres_inset_by_five_centimetres():
    literal = geometry.db_polygon(geometry.rectangle(lon=LON, lat=LAT, length_m=5, width_m=4))
    corners = [tuple(map(float, p.strip("()").split(","))) for p in literal[1:-1].split("),(")]
    ys = sorted({round(y, 3) for _x, y in corners})
    assert len(corners) == 4
    assert ys[1] - ys[0] == pytest.approx(4 - 2 * geometry.DB_INSET_M, abs=0.02)  # 7 decimals ≈ 1 cm
    assert geometry.db_polygon(None) is None


def _overlapping_pair(centre):
    """Two cafés' gardens in two seasons whose windows share February 2028, their outlines overlapping by 1 m."""
    winter = SeasonFactory(centre=centre, year=2027)  # winter window 16.11.2027 – 29.02.2028
    spring = SeasonFactory(centre=centre, year=2028, summer_start=dt.date(2028, 2, 1))
    result = []
    for season, lon in ((winter, LON), (spring, LON + 0.00006)):  # ≈ 4 m east: 1 m of the 5 m overlaps
        business = BusinessFactory(centre=centre)
        owner = MembershipFactory(business=business).user
        application = ready_application(business=business, season=season, period_start=dt.date(2028, 2, 1),
                                        period_end=dt.date(2028, 2, 20), outline=geometry.rectangle(
                                            lon=lon, lat=LAT, length_m=5, width_m=4))
        services.transition(application=application, to=S.SUBMITTED, by=owner)
        result.append(application)
    assert geometry.overlaps(result[0].outline, result[1].outline)
    return result


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_overlapping_gardens_issue_exactly_one_permit(centre, monkeypatch):
    """Each approval locks its own season, so the two service checks run side by side and both see a free
    place (the barrier makes sure of it); the database lets one permit through and refuses the other."""
    first, second = _overlapping_pair(centre)
    staff = [StaffFactory(centres=[centre]), StaffFactory(centres=[centre])]
    checked = threading.Barrier(2, timeout=20)
    original = services.place_conflicts

    def place_conflicts_then_wait(application, **kwargs):
        found = original(application, **kwargs)
        checked.wait()  # both checks done before either approval writes
        return found

    monkeypatch.setattr(services, "place_conflicts", place_conflicts_then_wait)
    outcomes: dict[int, str] = {}

    def act(application, user):
        from django.db import connection as thread_connection

        try:
            services.transition(application=GardenApplication(pk=application.pk), to=S.APPROVED, by=user,
                                confirmed_greenery=[])
            outcomes[application.pk] = "ok"
        except ValidationError as exc:
            outcomes[application.pk] = ",".join(e.code for e in exc.error_dict.get("outline", []))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=act, args=pair) for pair in zip((first, second), staff, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["ok", Code.PLACE_TAKEN]
    assert GardenApplication.objects.filter(status=S.APPROVED).count() == 1
    refused = GardenApplication.objects.get(pk=next(pk for pk, o in outcomes.items() if o != "ok"))
    assert (refused.status, refused.permit_number, refused.permit_sha256) == (S.SUBMITTED, None, "")


def _write_outside_the_service(application) -> None:
    """An approval that skips the service (a data fix, a script): status and the stored polygon only."""
    GardenApplication.objects.filter(pk=application.pk).update(status=S.APPROVED, permit_number=f"X/{application.pk}")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE gardens_gardenapplication SET outline_inset = %s::polygon WHERE id = %s",
                       [geometry.db_polygon(application.outline), application.pk])


@postgres_only
def test_the_database_refuses_an_overlapping_permit_written_outside_the_service(centre):
    first, second = _overlapping_pair(centre)
    _write_outside_the_service(first)
    with pytest.raises(IntegrityError, match="gardens_app_no_overlapping_permits"), transaction.atomic():
        _write_outside_the_service(second)


@postgres_only
def test_gardens_that_only_share_an_edge_or_no_day_are_both_allowed(centre, staff):
    first, second = _overlapping_pair(centre)
    second.outline = geometry.rectangle(lon=LON + 0.0000748, lat=LAT, length_m=5, width_m=4)  # edge to edge
    second.save(update_fields=["outline"])
    assert not geometry.overlaps(first.outline, second.outline)
    _write_outside_the_service(first)
    _write_outside_the_service(second)
    assert GardenApplication.objects.filter(status=S.APPROVED).count() == 2


@postgres_only
def test_a_revoked_permit_frees_its_place_in_the_database(centre, staff):
    first, second = _overlapping_pair(centre)
    services.transition(application=first, to=S.APPROVED, by=staff, confirmed_greenery=[])
    with pytest.raises(ValidationError) as refused:
        services.transition(application=second, to=S.APPROVED, by=staff, confirmed_greenery=[])
    assert refused.value.error_dict["outline"][0].code == Code.PLACE_TAKEN
    services.transition(application=first, to=S.REVOKED, by=staff, note="Zajęcie pasa bez zgody")
    services.transition(application=second, to=S.APPROVED, by=staff, confirmed_greenery=[])
    second.refresh_from_db()
    assert second.status == S.APPROVED
