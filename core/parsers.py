"""DRF's default JSON parser, bounded: body size (settings.MAX_JSON_BODY_BYTES), nesting depth
(settings.MAX_JSON_DEPTH), and no NUL characters or lone surrogates in any string. Each refusal is a 400."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .middleware import loads_checked


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
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
