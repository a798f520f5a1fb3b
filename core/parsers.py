"""DRF's default JSON parser, bounded: body size (settings.MAX_JSON_BODY_BYTES), nesting depth
(settings.MAX_JSON_DEPTH), and no NUL characters or lone surrogates in any string. Each refusal is a 400."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .middleware import loads_checked

_PEEKED = "_json_body_peeked"  # on the Django request: the body as peek_json parsed it
NOT_PEEKED = object()


def peek_json(request) -> Any:
    """The DRF request's body parsed exactly as SafeJSONParser parses it, before DRF does (an authentication that
    needs a field of the body), or NOT_PEEKED when the body is not plainly such a document: not JSON by its media
    type, empty, larger than the limit, not valid, or already read by someone else. The parsed body is kept on
    the request, and SafeJSONParser answers it instead of parsing the body again; anything refused here is
    parsed by DRF in the view as usual, with its own 400."""
    http = getattr(request, "_request", request)
    found = getattr(http, _PEEKED, NOT_PEEKED)
    if found is not NOT_PEEKED:
        return found
    meta = http.META
    if (meta.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower() != JSONParser.media_type:
        return NOT_PEEKED
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return NOT_PEEKED
    if not 0 < length <= settings.MAX_JSON_BODY_BYTES:
        return NOT_PEEKED
    try:
        found = loads_checked(http.body.decode(http.encoding or settings.DEFAULT_CHARSET))
    except Exception:  # anything DRF's own parse would refuse, or a body already read: DRF answers in the view
        return NOT_PEEKED
    setattr(http, _PEEKED, found)
    return found


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        peeked = getattr(getattr(request, "_request", None), _PEEKED, NOT_PEEKED)
        if peeked is not NOT_PEEKED:
            return peeked  # the same bytes, parsed the same way by peek_json
        limit = settings.MAX_JSON_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(_("The request body is larger than %(kb)s kB.") % {"kb": limit // 1024})
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(_("The JSON document is not valid UTF-8.")) from None
        try:
            return loads_checked(text)
        except ValueError as exc:
            raise ParseError(_("JSON parse error: %(error)s") % {"error": exc}) from None
