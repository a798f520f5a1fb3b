"""Pages: the public gallery with filters and pages, a mural's page, the printable trail, a wall's page with the
design form while its contest takes designs (errors re-render the form, never a 500)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contests.models import Entry, Phase
from murals.models import Mural
from murals.views import PAGE_SIZE
from tests.factories import PASSWORD
from tests.murals.factories import ArtistFactory, MuralFactory, MuralPhotoFactory, WallFactory, pdf, png

pytestmark = pytest.mark.django_db
S = Mural.Status


def login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


class TestGallery:
    def test_the_gallery_shows_visible_murals_with_photos(self, client, centre):
        mural = MuralFactory(centre=centre, title="Flisacy na Wiśle")
        mural.artists.add(ArtistFactory(centre=centre, name="Ola Malarska"))
        MuralPhotoFactory(mural=mural, alt_en="Raftsmen on a red wall")
        MuralFactory(centre=centre, title="Zamalowany", status=S.REMOVED)
        response = client.get(reverse("murals:gallery"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Flisacy na Wiśle" in html and "Ola Malarska" in html
        assert 'alt="Raftsmen on a red wall"' in html
        assert "Zamalowany" not in html

    def test_filters_by_year_status_and_zone(self, client, centre, zone):
        MuralFactory(centre=centre, title="Stary", year=2019)
        MuralFactory(centre=centre, title="Nowy", year=2024, zone=zone, status=S.BEING_PAINTED)
        html = client.get(reverse("murals:gallery"), {"year": 2024}).content.decode()
        assert "Nowy" in html and "Stary" not in html
        html = client.get(reverse("murals:gallery"), {"status": "being_painted"}).content.decode()
        assert "Nowy" in html and "Stary" not in html
        html = client.get(reverse("murals:gallery"), {"zone": zone.pk}).content.decode()
        assert "Nowy" in html and "Stary" not in html

    @pytest.mark.parametrize("query", [{"year": "abc"}, {"status": "removed"}, {"zone": "x"}, {"page": "999"},
                                       {"page": "x"}])
    def test_bad_filters_never_break_the_page(self, client, centre, query):
        MuralFactory(centre=centre, title="Flisacy")
        MuralFactory(centre=centre, title="Zamalowany", status=S.REMOVED)
        response = client.get(reverse("murals:gallery"), query)
        assert response.status_code == 200
        assert "Zamalowany" not in response.content.decode()  # whatever the filter says

    def test_the_gallery_is_paginated(self, client, centre, django_assert_max_num_queries):
        for n in range(PAGE_SIZE + 2):
            MuralPhotoFactory(mural=MuralFactory(centre=centre, title=f"Mural {n:02d}", year=2000 + n))
        with django_assert_max_num_queries(12):
            first = client.get(reverse("murals:gallery"))
        assert len(first.context["page"].object_list) == PAGE_SIZE
        second = client.get(reverse("murals:gallery"), {"page": 2})
        assert len(second.context["page"].object_list) == 2

    def test_a_mural_page_shows_its_details(self, client, centre):
        mural = MuralFactory(centre=centre, title="Kopernik z piernikiem", description_en="Gingerbread and stars.")
        MuralPhotoFactory(mural=mural, credit="Foto: BTCM")
        response = client.get(reverse("murals:mural-detail", args=[mural.pk]))
        assert response.status_code == 200
        assert "Gingerbread and stars." in response.content.decode()
        assert "Foto: BTCM" in response.content.decode()

    def test_a_removed_mural_is_a_404_except_for_the_centres_staff(self, client, centre, staff, other_staff):
        mural = MuralFactory(centre=centre, status=S.REMOVED)
        url = reverse("murals:mural-detail", args=[mural.pk])
        assert client.get(url).status_code == 404
        assert login(other_staff).get(url).status_code == 404
        assert login(staff).get(url).status_code == 200

    def test_an_unknown_mural_is_a_404(self, client):
        assert client.get(reverse("murals:mural-detail", args=[999999])).status_code == 404


class TestTrail:
    def test_the_trail_lists_completed_murals_in_order(self, client, centre):
        MuralFactory(centre=centre, title="Druga stacja", trail_order=2, address="ul. Mostowa 3")
        MuralFactory(centre=centre, title="Pierwsza stacja", trail_order=1, address="ul. Szeroka 1")
        MuralFactory(centre=centre, title="W remoncie", trail_order=3, status=S.NEEDS_MAINTENANCE)
        MuralFactory(centre=centre, title="Poza szlakiem")
        response = client.get(reverse("murals:trail"))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("Pierwsza stacja") < html.index("Druga stacja")
        assert "ul. Szeroka 1" in html
        assert "W remoncie" not in html and "Poza szlakiem" not in html
        assert "murals/murals.css" in html  # its print rules hide the header and keep stops whole
        assert "@media print" in (Path(settings.BASE_DIR) / "static/murals/murals.css").read_text()


class TestWallAndDesigns:
    def test_the_wall_page_shows_its_conditions_and_the_form_while_open(self, wall, resident):
        response = login(resident).get(reverse("murals:wall-detail", args=[wall.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Keep the existing tree. No advertising." in html
        assert 'enctype="multipart/form-data"' in html
        assert reverse("murals:submit-design", args=[wall.pk]) in html

    def test_the_design_contest_page_links_to_its_wall(self, client, wall):
        html = client.get(reverse("contests:contest-detail", args=[wall.contest.pk])).content.decode()
        assert reverse("murals:wall-detail", args=[wall.pk]) in html

    def test_anonymous_visitors_see_the_wall_and_a_log_in_link(self, client, wall):
        html = client.get(reverse("murals:wall-detail", args=[wall.pk])).content.decode()
        assert "Log in to submit a design." in html
        assert 'name="title"' not in html

    def test_no_form_when_the_contest_does_not_take_designs(self, wall, resident):
        Phase.objects.filter(contest=wall.contest).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
        html = login(resident).get(reverse("murals:wall-detail", args=[wall.pk])).content.decode()
        assert 'name="title"' not in html

    def test_an_artist_submits_a_design(self, wall, resident):
        client = login(resident)
        response = client.post(reverse("murals:submit-design", args=[wall.pk]), {
            "title": "Flisak pod drzewem", "description": "Zachowuje drzewo.", "alt_text": "Szkic muralu",
            "images": [png("a.png"), png("b.png")], "attachment": pdf()})
        assert response.status_code == 302, response.content.decode()[:2000]
        entry = Entry.objects.get(contest=wall.contest)
        assert (entry.title, entry.submitted_by) == ("Flisak pod drzewem", resident)
        assert entry.images.count() == 2
        assert entry.attachment

    def test_a_fake_image_re_renders_the_form_with_the_message(self, wall, resident):
        fake = SimpleUploadedFile("design.png", b"definitely not a picture" * 20, content_type="image/png")
        response = login(resident).post(reverse("murals:submit-design", args=[wall.pk]), {
            "title": "X", "alt_text": "X", "images": [fake]})
        assert response.status_code == 400
        assert "Upload an image (JPEG, PNG or WebP)." in response.content.decode()
        assert not Entry.objects.exists()

    def test_a_non_pdf_attachment_re_renders_the_form(self, wall, resident):
        response = login(resident).post(reverse("murals:submit-design", args=[wall.pk]), {
            "title": "X", "alt_text": "X", "images": [png()], "attachment": pdf("a.pdf", b"plain text file")})
        assert response.status_code == 400
        assert "Upload a PDF file." in response.content.decode()

    def test_missing_fields_re_render_the_form(self, wall, resident):
        response = login(resident).post(reverse("murals:submit-design", args=[wall.pk]), {})
        assert response.status_code == 400
        assert response.context["form"].errors.keys() >= {"title", "images", "alt_text"}

    def test_submitting_after_the_close_is_refused_with_a_message(self, wall, resident):
        Phase.objects.filter(contest=wall.contest).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
        response = login(resident).post(reverse("murals:submit-design", args=[wall.pk]), {
            "title": "X", "alt_text": "X", "images": [png()]})
        assert response.status_code == 400
        assert "not taking designs" in response.content.decode()

    def test_anonymous_posts_go_to_the_log_in_page(self, client, wall):
        response = client.post(reverse("murals:submit-design", args=[wall.pk]), {"title": "X"})
        assert response.status_code == 302
        assert reverse("login") in response["Location"]
        assert not Entry.objects.exists()

    def test_get_on_the_submit_url_goes_to_the_wall(self, wall, resident):
        response = login(resident).get(reverse("murals:submit-design", args=[wall.pk]))
        assert response.status_code == 302
        assert response["Location"] == reverse("murals:wall-detail", args=[wall.pk])

    def test_an_unknown_wall_is_a_404(self, client, resident):
        assert client.get(reverse("murals:wall-detail", args=[999999])).status_code == 404
        assert login(resident).post(reverse("murals:submit-design", args=[999999]), {}).status_code == 404

    def test_a_wall_without_a_contest_shows_no_form(self, client, centre):
        wall = WallFactory(centre=centre)
        response = client.get(reverse("murals:wall-detail", args=[wall.pk]))
        assert response.status_code == 200
        assert "Design contest" not in response.content.decode()
