"""Structured logs: one JSON object a line, with the request each line belongs to.

Production (``LOG_FORMAT=json``, the default without DEBUG) writes every log record as one JSON
object on one line, for journald and whatever collects it: the time (UTC), level, logger and
message, and the id of the request being served with its user's primary key. The request
middleware (``core/middleware.py``) adds one line per request with the method, the URL
pattern, the status and the duration.

What a line may hold is chosen here, field by field, never the request's data: no names, no
INS, no birth dates, no e-mail addresses, no query strings (searches carry names), no form
fields. Only this standard library is imported, so logging can be configured before Django is.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

# The request fields the middleware's line carries (``extra=``), copied as they are.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")


def _no_user() -> int | None:
    return None


@dataclass
class RequestContext:
    request_id: str
    # Asked when a line is written: the user is known only once authentication has run.
    user_id: Callable[[], int | None] = field(default=_no_user)


_current: ContextVar[RequestContext | None] = ContextVar("filiere_request", default=None)


@contextmanager
def request_context(context: RequestContext) -> Iterator[RequestContext]:
    """Attach ``context`` to every log line written while serving one request."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_request() -> RequestContext | None:
    return _current.get()


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON (newlines in messages and tracebacks are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = current_request()
        if context is not None:
            line["request_id"] = context.request_id
            line["user_id"] = context.user_id()
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                line[name] = getattr(record, name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)
