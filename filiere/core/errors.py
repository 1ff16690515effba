"""The page served when a request fails: 503 while the database does not answer, 500 otherwise.

Rendered without the request's context processors (the menu, the user's name): they read the
database, which may be the very thing that failed. A write interrupted by the database going
away is rolled back whole (every service is one transaction), and the next request reconnects
by itself (``conn_health_checks`` in the database settings).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from filiere.core.logs import current_request

RETRY_AFTER_SECONDS = 30


def database_unavailable(error: BaseException | None) -> bool:
    """True for the errors of a database that cannot be reached (not of a refused query)."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: called while the failing request's exception is being handled."""
    down = database_unavailable(sys.exc_info()[1])
    context = current_request()
    body = render_to_string(
        "errors/server_error.html",
        {
            "database_down": down,
            "title": _("Service momentanément indisponible") if down else _("Erreur du serveur"),
            "request_id": context.request_id if context is not None else "",
        },
    )
    response = HttpResponse(body, status=503 if down else 500)
    if down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
