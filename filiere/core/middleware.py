"""Cross-cutting request handling: request log, session lifetime, audit context, headers."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from filiere.audit.context import client_ip
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.client_address import client_address
from filiere.core.logs import RequestContext, request_context
from filiere.core.metrics import observe_request

SESSION_STARTED_AT = "filiere_session_started_at"
# Sent by screens that refresh themselves in the background (hx-headers on the polling element).
POLL_HEADER = "HTTP_X_FILIERE_POLL"
# What a browser may use on our pages: nothing of the camera, microphone, location, payment, USB.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


REQUEST_ID_HEADER = "X-Request-ID"
# What a request id from the proxy may look like (nginx's $request_id: 32 hex digits): anything
# else is replaced, so that a client cannot write into the logs through this header.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
request_logger = logging.getLogger("filiere.request")


def _user_id(request: HttpRequest) -> int | None:
    """The primary key of the request's user, if authentication has already looked it up.

    Never triggers the lookup itself: a log line costs no query.
    """
    user = getattr(request, "user", None)
    if user is None:
        return None
    # A lazy user not yet looked up: Django's own marker, not in the type stubs.
    if isinstance(user, LazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        return None
    return user.pk if user.is_authenticated else None


def _logged_path(request: HttpRequest) -> str | None:
    """The URL pattern that served the request (``/patients/<uuid:public_id>/``), not the path.

    A path may carry a secret (the invitation link's token) and an unknown one is whatever the
    client typed; static files are the only unresolved paths written as they are.
    """
    match = request.resolver_match
    if match is not None and match.route:
        return "/" + match.route
    if request.path.startswith(settings.STATIC_URL):
        return request.path
    return None


class RequestLogMiddleware:
    """Give each request an id (``X-Request-ID``) and write one log line when it is served.

    The id comes from the reverse proxy when there is one (``BEHIND_PROXY``: nginx's
    ``$request_id``, so its access log and ours share it), else it is generated here. Every log
    line written while serving the request carries the id and the user's primary key
    (``core/logs.py``). First in the middleware list, so that redirects and static files are
    counted and the duration covers the whole stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        context = RequestContext(request_id=self._request_id(request))
        context.user_id = lambda: _user_id(request)
        with request_context(context):
            response = self.get_response(request)
            response.headers[REQUEST_ID_HEADER] = context.request_id
            path = _logged_path(request)
            seconds = time.perf_counter() - started
            observe_request(request.method or "", path, response.status_code, seconds)
            request_logger.log(
                logging.ERROR if response.status_code >= 500 else logging.INFO,
                "%s %s %s",
                request.method,
                path or "(chemin non résolu)",
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round(seconds * 1000, 1),
                },
            )
        return response

    @staticmethod
    def _request_id(request: HttpRequest) -> str:
        if settings.BEHIND_PROXY:
            given = request.headers.get(REQUEST_ID_HEADER, "")
            if _REQUEST_ID.fullmatch(given):
                return given
        return uuid.uuid4().hex


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that a background poll is not activity, and that an
    unchanged session is written back at most once per SESSION_TOUCH_INTERVAL.

    The idle timeout is the session's expiry, pushed back by each request
    (SESSION_SAVE_EVERY_REQUEST). The live quorum of an RCP session polls every 20 seconds: it
    would keep an unattended screen logged in forever. A request marked as a poll leaves the
    expiry where it is (unless it changed the session itself). A page opened less than a minute
    after the last push leaves it too: the session then ends up to one interval earlier than a
    full idle timeout after the last click, never later.
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session: SessionBase | None = getattr(request, "session", None)
        if (
            session is not None
            and not session.modified
            and (request.META.get(POLL_HEADER) == "1" or _recently_pushed_back(session))
        ):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


def _recently_pushed_back(session: object) -> bool:
    stored = getattr(session, "stored_expiry", None)
    if stored is None:
        return False
    full = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    return full - stored < settings.SESSION_TOUCH_INTERVAL


class SessionLifetimeMiddleware:
    """End sessions older than SESSION_ABSOLUTE_TIMEOUT and set the audit context.

    The idle timeout is the session's own expiry, pushed back on every request
    (SESSION_SAVE_EVERY_REQUEST) and enforced by the database session store.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with client_ip(client_address(request)):
            expired = self._end_if_too_old(request)
            if expired is not None:
                return expired
            return self.get_response(request)

    def _end_if_too_old(self, request: HttpRequest) -> HttpResponse | None:
        started = request.session.get(SESSION_STARTED_AT)
        if not started:
            return None
        try:
            started_at = dt.datetime.fromisoformat(started)
        except ValueError:
            started_at = None
        if (
            started_at is not None
            and timezone.now() - started_at < settings.SESSION_ABSOLUTE_TIMEOUT
        ):
            return None
        user = request.user
        if user.is_authenticated:
            audit_record(actor=user, action=AuditEvent.Action.SESSION_EXPIRED, obj=user)
        logout(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": _("Session expirée.")}, status=401)
        messages.info(request, _("Votre session a expiré : reconnectez-vous."))
        return redirect(settings.LOGIN_URL)


class PermissionsPolicyMiddleware:
    """Deny every response the browser features it has no use for (after Django's
    SecurityMiddleware, so that redirects and static files carry the header too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """Forbid caching of any page served to a logged-in user (it may hold health data)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
        return response
