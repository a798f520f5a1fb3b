"""Media are served with the type the portal stored, nosniff, and as a download unless they are images."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from core.media import serve


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "plan.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "old.html").write_bytes(b"<script>alert(1)</script>")
    return tmp_path


def _get(path):
    return serve(RequestFactory().get(f"/media/{path}"), path)


def test_image_inline_with_its_type_and_nosniff(media):
    response = _get("a.png")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")


def test_pdf_is_a_download(media):
    response = _get("plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_stored_html_file_is_never_served_as_html(media):
    response = _get("old.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["../etc/passwd", "missing.png", "/etc/passwd"])
def test_nothing_outside_media_root(media, path):
    with pytest.raises(Http404):
        _get(path)

