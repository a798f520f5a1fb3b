"""Input that no view should ever see, refused with a 400 before routing; and the Permissions-Policy header.

`BadInputMiddleware` refuses, with a 400 naming the part of the request:
- NUL bytes and lone surrogates (or broken UTF-8) in the path or in any query-string name or value;
- a query-string value made only of digits that is beyond a 64-bit signed integer, or that uses digits other
  than 0-9 (Unicode digits such as "٣" or "²" are not numbers here);
- a request body other than a file upload (multipart) larger than settings.MAX_JSON_BODY_BYTES.
Pages get a short plain page, the API (paths under /api/) the error shape of drf-standardized-errors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import Code

MAX_INT64 = 2**63 - 1
SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate (also core.serializers)


def text_problem(text: str) -> str | None:
    """Why a decoded text cannot be taken (NUL byte, lone surrogate), or None."""
    if "\x00" in text:
        return _("A NUL character is not allowed.")
    if SURROGATE.search(text):
        return _("Text with a lone surrogate is not allowed.")
    return None


def number_problem(value: str) -> str | None:
    """Why a value made only of digits cannot be taken as a number (non-ASCII digits, beyond 64 bits), or None."""
    stripped = value.strip()
    if not stripped or not stripped.isdigit():
        return None
    if not stripped.isascii():
        return _("Only the digits 0-9 make a number.")
    if len(stripped) > 19 or int(stripped) > MAX_INT64:
        return _("Ensure this value is less than or equal to %(limit)s.") % {"limit": MAX_INT64}
    return None


def _decode_raw(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def bad_request(request: HttpRequest, field: str, message: str) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        return JsonResponse({"type": "validation_error",
                             "errors": [{"code": str(Code.BAD_INPUT), "detail": message, "attr": field}]},
                            status=400)
    response = HttpResponse(f"{_('Bad request')}: {field}: {message}\n", status=400,
                            content_type="text/plain; charset=utf-8")
    return response


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.check(request)
        if refusal is not None:
            return bad_request(request, *refusal)
        return self.get_response(request)

    def check(self, request: HttpRequest) -> tuple[str, str] | None:
        path = request.path_info
        # Django keeps bytes that are not UTF-8 percent-encoded in path_info ("%ED%A0%80" for an encoded
        # surrogate): decode those once more, strictly, to refuse them.
        decoded = _decode_raw(unquote_to_bytes(path.encode("utf-8", "surrogatepass")))
        problem = text_problem(path) or (text_problem(decoded) if decoded is not None else
                                         _("The address is not valid UTF-8."))
        if problem:
            return "path", problem
        query = request.META.get("QUERY_STRING", "")
        if query:
            for pair in query.split("&"):
                name_raw, _sep, value_raw = pair.partition("=")
                name = _decode_raw(unquote_to_bytes(name_raw.replace("+", " ")))
                value = _decode_raw(unquote_to_bytes(value_raw.replace("+", " ")))
                label = name if name is not None and not text_problem(name) else "query"
                if name is None or value is None:
                    return label, _("The query string is not valid UTF-8.")
                problem = text_problem(name) or text_problem(value) or number_problem(value)
                if problem:
                    return label, problem
        content_type = request.META.get("CONTENT_TYPE", "")
        if not content_type.startswith("multipart/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return "body", _("The Content-Length header is not a number.")
            limit = settings.MAX_JSON_BODY_BYTES
            if length > limit:
                return "body", _("The request body is larger than %(kb)s kB.") % {"kb": limit // 1024}
        return None


def json_problem(data: object, *, max_depth: int) -> str | None:
    """Walk parsed JSON without recursion: too deep, or a NUL / lone surrogate in any key or string."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                return _("The JSON document is nested deeper than %(n)s levels.") % {"n": max_depth}
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in items:
                if isinstance(key, str) and (problem := text_problem(key)):
                    return problem
                stack.append((value, depth + 1))
        elif isinstance(node, str) and (problem := text_problem(node)):
            return problem
    return None


def loads_checked(raw: bytes | str, *, max_depth: int | None = None) -> object:
    """json.loads with the depth and text checks; raises ValueError with a message for people."""
    depth = max_depth or settings.MAX_JSON_DEPTH
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ValueError(_("The JSON document is nested deeper than %(n)s levels.") % {"n": depth}) from None
    problem = json_problem(data, max_depth=depth)
    if problem:
        raise ValueError(problem)
    return data


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response; the camera only on the till page (it reads QR codes)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = settings.PERMISSIONS_POLICY
        if any(request.path_info.startswith(p) for p in settings.PERMISSIONS_POLICY_CAMERA_PATHS):
            policy = policy.replace("camera=()", "camera=(self)")
        response.headers.setdefault("Permissions-Policy", policy)
        return response
