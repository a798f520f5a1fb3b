"""Uploads and generated files through the storage API against a real S3-compatible server (moto's server mode,
started on 127.0.0.1 by this test): what several web servers sharing one object store rely on."""

from __future__ import annotations

import socket
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from gardens import services
from gardens.models import GardenApplication
from tests.gardens.factories import png_upload, ready_application

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")
pytest.importorskip("storages.backends.s3")

BUCKET = "portal-media"
S = GardenApplication.Status


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(settings, s3_endpoint):
    """The portal's default storage is the S3 bucket, configured as production would (portal/settings.py)."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    if BUCKET not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
                    "access_key": "testing", "secret_key": "testing", "default_acl": None,
                    "querystring_auth": True, "file_overwrite": False}}}
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def _objects(client) -> dict[str, bytes]:
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    return {key: client.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys}


def test_the_default_storage_is_the_bucket(s3):
    from django.core.files.base import ContentFile

    name = default_storage.save("probe/hello.txt", ContentFile(b"hello"))
    assert type(default_storage._wrapped).__name__ == "S3Storage"
    assert _objects(s3)[name] == b"hello"
    assert default_storage.open(name).read() == b"hello"
    default_storage.delete(name)
    assert name not in _objects(s3)


def test_upload_download_and_permit_pdf_go_through_the_object_store(s3, business, owner, staff, tmp_path,
                                                                   settings):
    settings.MEDIA_ROOT = tmp_path / "nothing-here"  # a web server's local folder is not used
    application = ready_application(business=business)  # its site plan is already stored in the bucket
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(owner)

    # Upload through the page: the file lands in the bucket, not on this server's disk.
    upload = browser.post(reverse("gardens:attachment-upload", args=[application.pk]),
                          {"kind": "photo", "file": png_upload("garden.png")})
    assert upload.status_code == 302
    photo = application.attachments.filter(kind="photo").latest("pk")  # the one just uploaded
    stored = _objects(s3)
    assert photo.file.name in stored
    assert not (tmp_path / "nothing-here").exists()

    # Download through the portal (owner only): the bytes come back from the bucket.
    download = browser.get(reverse("gardens:attachment", args=[application.pk, photo.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == stored[photo.file.name]
    # A signed URL of the object store also serves it (what a second web server or a browser may use).
    with urllib.request.urlopen(photo.file.url, timeout=10) as answer:
        assert answer.read() == stored[photo.file.name]

    # Approval renders the permit PDF; where the document is kept, it is kept in the bucket.
    services.transition(application=application, to=S.SUBMITTED, by=owner)
    services.transition(application=application, to=S.APPROVED, by=staff, confirmed_greenery=[])
    application.refresh_from_db()
    pdf = browser.get(reverse("gardens:permit-pdf", args=[application.pk]))
    assert pdf.status_code == 200
    body = pdf.content if not getattr(pdf, "streaming", False) else b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF")
    document = getattr(application, "permit_pdf", None)
    if document is not None and document.name:
        assert _objects(s3)[document.name].startswith(b"%PDF")
    assert not (tmp_path / "nothing-here").exists()
