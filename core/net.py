"""The client's address, from the trusted proxy setting only (settings.NUM_PROXIES), never from a header alone.

With NUM_PROXIES = 0 the address is REMOTE_ADDR and any X-Forwarded-For is ignored; with N proxies in front,
it is the N-th address from the right of X-Forwarded-For (the one the outermost trusted proxy saw), the same rule
as DRF's throttles. A client can prepend whatever it likes to the header: those entries are never read.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    meta = getattr(request, "META", {})
    remote = (meta.get("REMOTE_ADDR") or "").strip()
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies > 0:
        forwarded = [part.strip() for part in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote
