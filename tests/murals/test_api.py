"""API of the register: public reads in fixed queries, writes by the centre's staff only (outsiders 403 on a
visible object, 404 on a hidden one), bad input as 400 with field messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from murals.models import Mural, MuralStatusChange, Wall
from tests.conftest import client_for
from tests.factories import BusinessFactory, ZoneFactory
from tests.murals.factories import ArtistFactory, MuralFactory, MuralPhotoFactory, WallFactory, png

pytestmark = pytest.mark.django_db
S = Mural.Status
MURALS = "/api/v1/murals/murals/"


def attrs(response) -> set[str]:
    return {e["attr"] for e in response.json()["errors"]}


def new_mural(centre, **extra) -> dict:
    return {"centre": centre.slug, "title": "Flisacy", "year": 2025, "area_m2": "42.50", "address": "ul. Mostowa 5",
            **extra}


class TestMuralReads:
    def test_anyone_lists_murals_with_photos_in_fixed_queries(self, api, centre, zone,
                                                              django_assert_max_num_queries):
        for n in range(4):
            mural = MuralFactory(centre=centre, zone=zone, wall=WallFactory(centre=centre))
            mural.artists.add(ArtistFactory(centre=centre), ArtistFactory(centre=centre))
            mural.sponsors.add(BusinessFactory(centre=centre, zone=zone))
            MuralPhotoFactory(mural=mural, position=n)
        with django_assert_max_num_queries(6):
            response = api.get(MURALS)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 4
        first = body["results"][0]
        assert len(first["artist_details"]) == 2
        assert first["photos"][0]["alt"] == "A mural on a tenement wall"  # English in the tests
        assert first["zone_name"] == zone.name

    def test_removed_murals_are_hidden_except_from_the_centres_staff(self, api, centre, staff, other_staff):
        removed = MuralFactory(centre=centre, status=S.REMOVED)
        MuralFactory(centre=centre, status=S.COMPLETED)
        assert api.get(MURALS).json()["count"] == 1
        assert client_for(other_staff).get(MURALS).json()["count"] == 1
        assert client_for(staff).get(MURALS).json()["count"] == 2
        assert api.get(f"{MURALS}{removed.pk}/").status_code == 404
        assert client_for(other_staff).get(f"{MURALS}{removed.pk}/").status_code == 404
        assert client_for(staff).get(f"{MURALS}{removed.pk}/").status_code == 200

    def test_filters(self, api, centre, other_centre, zone):
        artist = ArtistFactory(centre=centre)
        sponsor = BusinessFactory(centre=centre)
        a = MuralFactory(centre=centre, year=2024, zone=zone, trail_order=1, latitude=Decimal("53"),
                         longitude=Decimal("18.6"))
        a.artists.add(artist)
        a.sponsors.add(sponsor)
        MuralFactory(centre=centre, year=2020, status=S.PLANNED)
        MuralFactory(centre=other_centre, year=2024)

        def ids(query: str) -> list[int]:
            response = api.get(MURALS + query)
            assert response.status_code == 200, response.json()
            return [m["id"] for m in response.json()["results"]]

        assert ids(f"?centre={centre.slug}&year=2024") == [a.pk]
        assert ids(f"?centre={centre.slug}&year_from=2023") == [a.pk]
        assert ids(f"?zone={zone.pk}") == [a.pk]
        assert ids(f"?artist={artist.pk}") == [a.pk]
        assert ids(f"?sponsor={sponsor.pk}") == [a.pk]
        assert ids("?on_trail=true") == [a.pk]
        assert ids("?has_coordinates=true") == [a.pk]
        assert len(ids(f"?centre={centre.slug}&status=planned")) == 1

    @pytest.mark.parametrize("query", ["?year=abc", "?status=painted", "?centre=nowhere", "?zone=x"])
    def test_a_bad_filter_is_a_400(self, api, query):
        response = api.get(MURALS + query)
        assert response.status_code == 400
        assert response.json()["type"] == "validation_error"


class TestMuralWrites:
    def test_staff_of_the_centre_add_a_mural(self, centre, zone, staff):
        artist = ArtistFactory(centre=centre)
        response = client_for(staff).post(MURALS, new_mural(centre, zone=zone.pk, artists=[artist.pk],
                                                            latitude="53.009800", longitude="18.604100",
                                                            trail_order=4), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == S.PLANNED
        assert body["slug"] == "flisacy"
        assert body["artists"] == [artist.pk]
        assert MuralStatusChange.objects.filter(mural_id=body["id"]).count() == 1

    def test_outsiders_cannot_add_a_mural(self, api, centre, other_staff, owner, resident):
        assert api.post(MURALS, new_mural(centre), format="json").status_code == 401
        assert client_for(other_staff).post(MURALS, new_mural(centre), format="json").status_code == 403
        for person in (owner, resident):
            assert client_for(person).post(MURALS, new_mural(centre), format="json").status_code == 403
        assert not Mural.objects.exists()

    @pytest.mark.parametrize(("extra", "field"), [
        ({"area_m2": "0"}, "area_m2"), ({"latitude": "91"}, "latitude"), ({"latitude": "53.0"}, "longitude"),
        ({"year": 1700}, "year"), ({"title": ""}, "title"), ({"centre": "nowhere"}, "centre"),
    ])
    def test_bad_input_is_a_400_naming_the_field(self, centre, staff, extra, field):
        response = client_for(staff).post(MURALS, {**new_mural(centre), **extra}, format="json")
        assert response.status_code == 400
        assert field in attrs(response)

    def test_a_zone_of_another_centre_is_a_400(self, centre, other_centre, staff):
        response = client_for(staff).post(MURALS, new_mural(centre, zone=ZoneFactory(centre=other_centre).pk),
                                          format="json")
        assert response.status_code == 400
        assert attrs(response) == {"zone"}

    def test_a_taken_trail_place_is_a_400(self, centre, staff):
        MuralFactory(centre=centre, trail_order=2)
        response = client_for(staff).post(MURALS, new_mural(centre, trail_order=2), format="json")
        assert response.status_code == 400
        assert attrs(response) == {"trail_order"}

    def test_staff_change_a_mural_but_not_its_status_by_edit(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.COMPLETED)
        response = client_for(staff).patch(f"{MURALS}{mural.pk}/", {"title": "Nowy", "status": "removed"},
                                           format="json")
        assert response.status_code == 200
        mural.refresh_from_db()
        assert (mural.title, mural.status) == ("Nowy", S.COMPLETED)

    def test_outsiders_get_403_on_a_visible_mural(self, api, centre, other_staff, resident):
        mural = MuralFactory(centre=centre)
        assert api.patch(f"{MURALS}{mural.pk}/", {"title": "X"}, format="json").status_code == 401
        for person in (other_staff, resident):
            assert client_for(person).patch(f"{MURALS}{mural.pk}/", {"title": "X"}, format="json").status_code == 403

    def test_nothing_is_deleted(self, centre, staff):
        mural = MuralFactory(centre=centre)
        assert client_for(staff).delete(f"{MURALS}{mural.pk}/").status_code == 405
        assert Mural.objects.filter(pk=mural.pk).exists()


class TestStatusAndHistory:
    def test_staff_move_the_status_and_read_the_history(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.PLANNED)
        client = client_for(staff)
        response = client.post(f"{MURALS}{mural.pk}/status/", {"status": S.APPROVED, "note": "Decyzja WKZ"},
                               format="json")
        assert response.status_code == 200
        assert response.json()["status"] == S.APPROVED
        history = client.get(f"{MURALS}{mural.pk}/history/").json()
        assert [(h["from_status"], h["to_status"], h["note"]) for h in history] == [
            (S.PLANNED, S.APPROVED, "Decyzja WKZ")]

    def test_a_move_outside_the_workflow_is_a_400(self, centre, staff):
        mural = MuralFactory(centre=centre, status=S.PLANNED)
        response = client_for(staff).post(f"{MURALS}{mural.pk}/status/", {"status": S.COMPLETED}, format="json")
        assert response.status_code == 400
        assert attrs(response) == {"status"}
        bad = client_for(staff).post(f"{MURALS}{mural.pk}/status/", {"status": "gone"}, format="json")
        assert bad.status_code == 400

    def test_outsiders_cannot_move_the_status_or_read_the_history(self, api, centre, other_staff, resident):
        mural = MuralFactory(centre=centre, status=S.PLANNED)
        removed = MuralFactory(centre=centre, status=S.REMOVED)
        assert api.post(f"{MURALS}{mural.pk}/status/", {"status": S.APPROVED}, format="json").status_code == 401
        for person in (other_staff, resident):
            client = client_for(person)
            assert client.post(f"{MURALS}{mural.pk}/status/", {"status": S.APPROVED},
                               format="json").status_code == 403
            assert client.get(f"{MURALS}{mural.pk}/history/").status_code == 403
            assert client.post(f"{MURALS}{removed.pk}/status/", {"status": S.APPROVED},
                               format="json").status_code == 404
        mural.refresh_from_db()
        assert mural.status == S.PLANNED

    def test_staff_add_a_photo_checked_to_be_an_image(self, centre, staff, other_staff):
        mural = MuralFactory(centre=centre)
        url = f"{MURALS}{mural.pk}/photos/"
        response = client_for(staff).post(url, {"image": png(), "alt_pl": "Mural od strony Wisły"},
                                          format="multipart")
        assert response.status_code == 201, response.json()
        assert mural.photos.get().alt_pl == "Mural od strony Wisły"
        from django.core.files.uploadedfile import SimpleUploadedFile

        fake = SimpleUploadedFile("x.png", b"not an image" * 30)
        response = client_for(staff).post(url, {"image": fake, "alt_pl": "X"}, format="multipart")
        assert response.status_code == 400
        assert client_for(other_staff).post(url, {"image": png(), "alt_pl": "X"},
                                            format="multipart").status_code == 403

    def test_a_20000_by_20000_png_is_a_400_not_a_500(self, centre, staff):
        from tests.murals.factories import huge_png

        mural = MuralFactory(centre=centre)
        response = client_for(staff).post(f"{MURALS}{mural.pk}/photos/", {"image": huge_png(), "alt_pl": "X"},
                                          format="multipart")
        assert response.status_code == 400, response.content
        assert response.json()["errors"][0]["attr"] == "image"
        assert not mural.photos.exists()

    def test_a_photo_is_stored_under_a_random_name_with_its_sniffed_extension(self, centre, staff):
        mural = MuralFactory(centre=centre)
        response = client_for(staff).post(f"{MURALS}{mural.pk}/photos/", {"image": png("page.html"),
                                                                           "alt_pl": "X"}, format="multipart")
        assert response.status_code == 201, response.content
        stored = mural.photos.get().image.name.rsplit("/", 1)[-1]
        assert stored.endswith(".png") and "page" not in stored


class TestWalls:
    URL = "/api/v1/murals/walls/"

    def test_anyone_lists_walls_with_their_contest_in_fixed_queries(self, api, wall, centre,
                                                                     django_assert_max_num_queries):
        WallFactory(centre=centre)
        WallFactory(centre=centre)
        with django_assert_max_num_queries(5):
            response = api.get(self.URL)
        assert response.status_code == 200
        rows = {w["id"]: w for w in response.json()["results"]}
        assert rows[wall.pk]["takes_designs"] is True
        assert rows[wall.pk]["conditions"] == "Keep the existing tree. No advertising."
        assert api.get(self.URL + "?has_contest=true").json()["count"] == 1

    def test_staff_of_the_centre_add_and_change_walls(self, centre, zone, staff):
        client = client_for(staff)
        response = client.post(self.URL, {"centre": centre.slug, "address": "ul. Podmurna 28", "zone": zone.pk,
                                          "width_m": "10", "height_m": "7.5"}, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["area_m2"] == "75.00"
        wall_id = response.json()["id"]
        response = client.patch(f"{self.URL}{wall_id}/", {"constraints_pl": "Bez reklam."}, format="json")
        assert response.status_code == 200
        # A partial update answers every field the schema promises, the empty relation as null.
        assert response.json()["contest_title"] is None and response.json()["zone_name"] == zone.name
        assert Wall.objects.get(pk=wall_id).constraints_pl == "Bez reklam."

    def test_outsiders_cannot_write_walls(self, api, centre, wall, other_staff, resident):
        body = {"centre": centre.slug, "address": "X", "width_m": "1", "height_m": "1"}
        assert api.post(self.URL, body, format="json").status_code == 401
        for person in (other_staff, resident):
            client = client_for(person)
            assert client.post(self.URL, body, format="json").status_code == 403
            assert client.patch(f"{self.URL}{wall.pk}/", {"address": "X"}, format="json").status_code == 403

    def test_bad_wall_input_is_a_400(self, centre, staff):
        response = client_for(staff).post(self.URL, {"centre": centre.slug, "address": "X", "width_m": "0",
                                                     "height_m": "-1"}, format="json")
        assert response.status_code == 400
        assert attrs(response) == {"width_m", "height_m"}


class TestArtists:
    URL = "/api/v1/murals/artists/"

    def test_anyone_lists_artists(self, api, centre, django_assert_max_num_queries):
        ArtistFactory(centre=centre, name="Ola Malarska")
        ArtistFactory(centre=centre, name="Jan Pędzel")
        with django_assert_max_num_queries(3):
            response = api.get(self.URL + f"?centre={centre.slug}")
        assert [a["name"] for a in response.json()["results"]] == ["Jan Pędzel", "Ola Malarska"]

    def test_staff_add_artists_outsiders_cannot(self, api, centre, staff, other_staff, resident):
        body = {"centre": centre.slug, "name": "Studio Mural Toruń", "website": "https://example.org"}
        assert client_for(staff).post(self.URL, body, format="json").status_code == 201
        artist = ArtistFactory(centre=centre)
        for person in (other_staff, resident):
            assert client_for(person).post(self.URL, body, format="json").status_code == 403
            assert client_for(person).patch(f"{self.URL}{artist.pk}/", {"name": "X"},
                                            format="json").status_code == 403
        assert api.post(self.URL, body, format="json").status_code == 401

    def test_a_bad_website_is_a_400(self, centre, staff):
        response = client_for(staff).post(self.URL, {"centre": centre.slug, "name": "X", "website": "not a url"},
                                          format="json")
        assert response.status_code == 400
        assert attrs(response) == {"website"}


class TestTrail:
    URL = "/api/v1/murals/trail/"

    def test_the_trail_lists_completed_murals_in_order(self, api, centre, other_centre,
                                                       django_assert_max_num_queries):
        third = MuralFactory(centre=centre, trail_order=3, latitude=Decimal("53.01"), longitude=Decimal("18.61"))
        first = MuralFactory(centre=centre, trail_order=1)
        MuralPhotoFactory(mural=first)
        MuralFactory(centre=centre, trail_order=2, status=S.NEEDS_MAINTENANCE)  # off the trail while repaired
        MuralFactory(centre=centre, trail_order=None)
        MuralFactory(centre=other_centre, trail_order=1)
        with django_assert_max_num_queries(5):
            response = api.get(self.URL + f"?centre={centre.slug}")
        assert response.status_code == 200
        stops = response.json()
        assert [(s["stop"], s["id"]) for s in stops] == [(1, first.pk), (3, third.pk)]
        assert stops[0]["photo"]["alt"]
        assert stops[1]["latitude"] == "53.010000"

    def test_an_unknown_centre_is_a_400(self, api):
        assert api.get(self.URL + "?centre=nowhere").status_code == 400


def test_a_mural_on_a_wall_needs_no_address_but_one_without_does(centre, staff):
    wall = WallFactory(centre=centre, address="ul. Podmurna 28")
    client = client_for(staff)
    body = {**new_mural(centre), "address": "", "wall": wall.pk}
    response = client.post(MURALS, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["address"] == "ul. Podmurna 28"
    response = client.post(MURALS, {**new_mural(centre), "address": "", "title": "Bez ściany"}, format="json")
    assert response.status_code == 400
    assert attrs(response) == {"address"}
