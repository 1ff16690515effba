"""The session store: Django's database store, which remembers the expiry it read.

The idle timeout is the session's expiry, pushed back by activity. Writing the session back on
every page cost a transaction per request (an UPDATE and a commit, the WAL flushed); the session
middleware (``core.middleware.IdleSessionMiddleware``) now pushes the expiry back only when it
has moved by more than ``SESSION_TOUCH_INTERVAL``, and needs the stored expiry to know.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session


class SessionStore(DatabaseSessionStore):
    stored_expiry: dt.datetime | None = None

    # The one place Django's store holds the row it read (the stubs do not declare it).
    def _get_session_from_db(self) -> Session | None:
        session: Any = super()._get_session_from_db()  # type: ignore[misc]
        self.stored_expiry = session.expire_date if session is not None else None
        return session
