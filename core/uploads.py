"""The one check of an uploaded file, used by gardens, contests and murals.

The content is sniffed (the name and the declared type are not trusted), the size bounded by
settings.MAX_UPLOAD_BYTES, images opened with their pixels bounded by settings.MAX_IMAGE_PIXELS and re-encoded
(which drops anything hidden after the image data and the EXIF metadata, GPS position included), and the file
is stored under a name the portal makes: random, with the extension of the sniffed type from an allow-list.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .errors import Code

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PDF_TYPE = "application/pdf"
EXTENSIONS = {**IMAGE_TYPES, PDF_TYPE: "pdf"}
IMAGE, PDF = "image", "pdf"
_PIL_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed the check: its (re-encoded) bytes, true type, a safe name and the name it came with."""

    content: bytes
    content_type: str
    extension: str
    original_name: str
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    def stored_name(self) -> str:
        """A random name with the extension of the sniffed type: nothing of the uploader's name reaches the disk."""
        return f"{uuid.uuid4().hex}.{self.extension}"

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.stored_name())


def _error(message: str, code: Code, field: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=str(code))})


def check_upload(upload: Any, *, kinds: frozenset[str] | set[str] = frozenset({IMAGE}), field: str = "file",
                 max_bytes: int | None = None) -> CheckedUpload:
    """Check an uploaded file and return it ready to store; refuse with a field error and a code otherwise."""
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    too_large = _("The file is larger than %(mb)s MB.") % {"mb": round(limit / 2**20, 1)}
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _error(too_large, Code.UPLOAD_TOO_LARGE, field)
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1) if hasattr(upload, "read") else bytes(upload)
    if len(content) > limit:
        raise _error(too_large, Code.UPLOAD_TOO_LARGE, field)
    if not content:
        raise _error(_("The file is empty."), Code.UPLOAD_EMPTY, field)
    original = str(getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200]
    guess = filetype.guess(content[:8192])
    mime = guess.mime if guess else ""
    allowed = (set(IMAGE_TYPES) if IMAGE in kinds else set()) | ({PDF_TYPE} if PDF in kinds else set())
    if mime not in allowed:
        message = (_("Upload a PDF or an image (JPEG, PNG or WebP).") if PDF in kinds and IMAGE in kinds
                   else _("Upload a PDF file.") if PDF in kinds else _("Upload an image (JPEG, PNG or WebP)."))
        raise _error(message, Code.UPLOAD_TYPE, field)
    if mime == PDF_TYPE:
        if not content.startswith(b"%PDF-"):
            raise _error(_("The file is not a valid PDF."), Code.UPLOAD_DAMAGED, field)
        return CheckedUpload(content=content, content_type=mime, extension="pdf", original_name=original)
    return _reencoded_image(content, mime, original, field)


def _reencoded_image(content: bytes, mime: str, original: str, field: str) -> CheckedUpload:
    max_pixels = settings.MAX_IMAGE_PIXELS
    damaged = _("The image is damaged or not an image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as probe:
                width, height = probe.size  # read from the header, before any pixel is decoded
                if width * height > max_pixels:
                    raise _error(_("The image is too large: at most %(mp)s megapixels.")
                                 % {"mp": round(max_pixels / 1e6)}, Code.IMAGE_TOO_LARGE, field)
                probe.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if mime == "image/jpeg" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = io.BytesIO()
                options: dict[str, Any] = {"quality": 90} if mime in ("image/jpeg", "image/webp") else {"optimize": True}
                image.save(out, format=_PIL_FORMATS[mime], **options)
                width, height = image.size
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _error(_("The image is too large: at most %(mp)s megapixels.") % {"mp": round(max_pixels / 1e6)},
                     Code.IMAGE_TOO_LARGE, field) from None
    except Exception:
        raise _error(damaged, Code.UPLOAD_DAMAGED, field) from None
    return CheckedUpload(content=out.getvalue(), content_type=mime, extension=IMAGE_TYPES[mime],
                         original_name=original, width=width, height=height)
