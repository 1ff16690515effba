"""SQLite (demo): the application's connections refuse to delete audit events or drop the
audit table's triggers, except inside ``audit_delete_permitted()`` (the retention purge, the
``migrate`` command, the test database flush).

This guards against the application and its operators' slips, not against the owner of the
file, who can open it with any SQLite client and change anything: SQLite is not tamper-proof.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

AUDIT_TABLE = "audit_auditevent"
_permitted: ContextVar[bool] = ContextVar("audit_delete_permitted", default=False)


@contextmanager
def audit_delete_permitted() -> Iterator[None]:
    """Let the statements run inside the block delete audit events or drop their triggers."""
    token = _permitted.set(True)
    try:
        yield
    finally:
        _permitted.reset(token)


def migrating_started(**kwargs: Any) -> None:
    """``pre_migrate``: migrations may rebuild the audit table (SQLite drops and recreates it)."""
    _permitted.set(True)


def migrating_ended(**kwargs: Any) -> None:
    """``post_migrate``."""
    _permitted.set(False)


def _may_delete() -> int:
    return int(_permitted.get())


def _authorizer(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    if _permitted.get():
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_DROP_TRIGGER and arg2 == AUDIT_TABLE:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_DROP_TABLE and arg1 == AUDIT_TABLE:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: register the trigger's function and the authorizer."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("filiere_audit_may_delete", 0, _may_delete)
    raw.set_authorizer(_authorizer)
