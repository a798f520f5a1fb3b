"""Uploads get the portal's own names and bounded pixels; office exports never run a formula."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import check_upload
from tests.conftest import client_for
from tests.factories import MembershipFactory
from tests.gardens.factories import ApplicationFactory, png_bytes


def polyglot() -> bytes:
    """PNG bytes followed by a script: what was stored as page.html before."""
    return png_bytes() + b"<script>alert(document.cookie)</script>"


def test_html_name_with_image_bytes_is_stored_under_a_random_name_with_the_sniffed_type():
    checked = check_upload(SimpleUploadedFile("x.html", polyglot(), content_type="text/html"))
    name = checked.as_file().name
    assert name.endswith(".png")
    assert not name.endswith(".html") and b"<script>" not in checked.content
    assert checked.original_name == "x.html"


def test_php_name_is_not_kept_either():
    name = check_upload(SimpleUploadedFile("shell.php", polyglot())).as_file().name
    assert name.endswith(".png") and "shell" not in name


def _png_header(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR naming a huge size, with a tiny body: a pixel bomb."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(20000, 20000), (9500, 9500)])
def test_pixel_bomb_is_refused_with_a_code(size):
    with pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile("big.png", _png_header(*size)))
    assert refused.value.error_dict["file"][0].code == "image_too_large"


@pytest.fixture
def application(db):
    return ApplicationFactory()


def test_garden_attachment_api_stores_x_html_as_png_and_refuses_a_pixel_bomb(application):
    owner = MembershipFactory(business=application.business, role="owner").user
    api = client_for(owner)
    base = f"/api/v1/gardens/applications/{application.pk}/attachments/"
    ok = api.post(base, {"kind": "photo", "file": SimpleUploadedFile("x.html", polyglot())}, format="multipart")
    assert ok.status_code == 201, ok.content
    stored = application.attachments.get()
    assert stored.file.name.endswith(".png") and not stored.file.name.endswith(".html")
    assert "x.html" not in stored.file.name
    bomb = api.post(base, {"kind": "photo", "file": SimpleUploadedFile("b.png", _png_header(20000, 20000))},
                    format="multipart")
    assert bomb.status_code == 400
    assert bomb.json()["errors"][0]["code"] == "image_too_large"


def test_exported_hyperlink_cell_is_inert_in_csv_and_xlsx(db):
    from centres.models import Business
    from core.resources import CentreResource
    from tests.factories import BusinessFactory

    class BusinessResource(CentreResource):
        class Meta:
            model = Business
            fields = ("name", "phone")

    business = BusinessFactory(name='=HYPERLINK("https://evil.example","click")', phone="+48 600 100 200")
    data = BusinessResource(centre=business.centre).export()
    assert data[0][0] == "'=HYPERLINK(\"https://evil.example\",\"click\")"
    xlsx = data.export("xlsx")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cell at all
    from core.csv import csv_bytes

    assert "'=HYPERLINK" in csv_bytes(["name"], [[business.name]]).decode("utf-8-sig")


def test_import_export_setting_escapes_formulae():
    from django.conf import settings

    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is True


def test_neutralised_phone_imports_back_unchanged():
    from core.resources import TrimmedCharWidget

    assert TrimmedCharWidget().clean("'+48 600 100 200") == "+48 600 100 200"


def test_reencoded_image_drops_what_follows_the_image():
    checked = check_upload(SimpleUploadedFile("a.png", polyglot()))
    assert Image.open(io.BytesIO(checked.content)).size == (8, 8)
