"""Factories of the mural register."""

from __future__ import annotations

import io
import struct
import zlib
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from murals.models import Artist, Mural, MuralPhoto, Wall
from tests.factories import CentreFactory


def png(name: str = "design.png", colour: str = "teal", size: tuple[int, int] = (8, 6)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def huge_png(name: str = "huge.png", width: int = 20000, height: int = 20000) -> SimpleUploadedFile:
    """A PNG that says it is width × height pixels (a decompression bomb): header, one tiny IDAT, IEND."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    content = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
               + chunk(b"IEND", b""))
    return SimpleUploadedFile(name, content, content_type="image/png")


def pdf(name: str = "design.pdf", content: bytes = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Artysta {n}")
    slug = factory.Sequence(lambda n: f"artysta-{n}")
    website = ""


class WallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wall

    centre = factory.SubFactory(CentreFactory)
    address = factory.Sequence(lambda n: f"ul. Świętej Katarzyny {n + 1}")
    building_owner = "Zakład Gospodarowania Nieruchomościami"
    width_m = Decimal("8.00")
    height_m = Decimal("12.50")
    constraints_pl = "Zachować istniejące drzewo. Bez reklam."
    constraints_en = "Keep the existing tree. No advertising."


class MuralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mural

    centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Mural {n}")
    slug = factory.Sequence(lambda n: f"mural-{n}")
    address = factory.Sequence(lambda n: f"ul. Mostowa {n + 1}")
    year = 2024
    area_m2 = Decimal("60.00")
    description_pl = "Opis muralu."
    description_en = "About the mural."
    status = Mural.Status.COMPLETED


class MuralPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MuralPhoto

    mural = factory.SubFactory(MuralFactory)
    image = factory.LazyFunction(lambda: png("photo.png"))
    alt_pl = "Mural na ścianie kamienicy"
    alt_en = "A mural on a tenement wall"
    credit = "BTCM"
