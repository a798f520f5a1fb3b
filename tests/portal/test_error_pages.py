"""Error pages: with DEBUG off a missing page is the portal's own 404 in the visitor's language; a failure answers
the plain static 500 page, which needs neither templates nor the database."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from portal import urls as portal_urls


def boom(request):
    raise RuntimeError("forced failure")


urlpatterns = [path("boom/", boom), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_missing_page_is_the_portals_404_in_polish():
    response = Client().get("/nie-ma-takiej-strony/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'lang="pl"' in body and "site-header" in body and "site-footer" in body
    assert "Pod tym adresem nie ma strony" in body
    assert "Not Found" not in body


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_missing_page_is_in_english_once_english_is_chosen():
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'lang="en"' in body and "Page not found" in body and "site-header" in body


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_failure_answers_the_static_500_page_without_touching_the_database(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Przepraszamy, wystąpił błąd serwera" in body and "Sorry, something went wrong" in body
    assert "{%" not in body and "<script" not in body


@pytest.mark.django_db
def test_every_page_links_a_favicon_and_the_web_manifest():
    body = Client().get("/").content.decode()
    assert 'rel="icon"' in body and 'rel="manifest"' in body
    manifest = Client().get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == "/" and any(icon["sizes"] == "512x512" for icon in data["icons"])
    assert Client().get("/favicon.ico").status_code == 302
