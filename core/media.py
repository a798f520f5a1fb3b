"""Serving uploaded files (development, or SERVE_MEDIA=1 behind no media server): the type the portal stored
(from the extension of the name it made, an allow-list), never a type guessed from the content; images inline,
anything else as a download (Content-Disposition: attachment); `nosniff` always. A file whose extension is not
on the list is answered as a download of application/octet-stream."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.utils._os import safe_join

from .uploads import EXTENSIONS, IMAGE_TYPES

TYPES = {extension: mime for mime, extension in EXTENSIONS.items()} | {"jpeg": "image/jpeg"}
IMAGE_EXTENSIONS = set(IMAGE_TYPES.values()) | {"jpeg"}


def serve(request: HttpRequest, path: str) -> FileResponse:
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception:  # SuspiciousFileOperation: a path out of MEDIA_ROOT
        raise Http404 from None
    if not full.is_file():
        raise Http404
    extension = full.suffix.lower().lstrip(".")
    content_type = TYPES.get(extension, "application/octet-stream")
    response = FileResponse(full.open("rb"), content_type=content_type,
                            as_attachment=extension not in IMAGE_EXTENSIONS, filename=full.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
