"""The address a request comes from: one answer for throttling, the audit trail and sessions."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """Return the IP address of the client, as seen by the outermost trusted proxy.

    Each of the TRUSTED_PROXY_COUNT reverse proxies appends to X-Forwarded-For the address it
    received the request from, so the client is the entry that many places from the right.
    Entries further left were written by the client itself and prove nothing: keying a limit or
    an audit row on them lets anyone pose as any address.
    """
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if hops > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            # Fewer entries than proxies: every entry was appended by a trusted proxy.
            candidate = entries[-hops] if len(entries) >= hops else entries[0]
            address = _valid_ip(candidate)
            if address is not None:
                return address
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))
