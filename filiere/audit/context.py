"""Request context for audit events: the client address of the request being served.

Services take the acting user explicitly; the address comes from here so that a service called
from a view, the API or a command records it without threading the request through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_client_ip: ContextVar[str | None] = ContextVar("filiere_client_ip", default=None)


def current_client_ip() -> str | None:
    return _client_ip.get()


@contextmanager
def client_ip(ip: str | None) -> Iterator[None]:
    token = _client_ip.set(ip)
    try:
        yield
    finally:
        _client_ip.reset(token)
