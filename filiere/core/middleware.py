"""Cross-cutting request handling: session lifetime, audit context, security headers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from filiere.audit.context import client_ip
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.client_address import client_address

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


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, except that a background poll is not activity.

    The idle timeout is the session's expiry, pushed back on every request
    (SESSION_SAVE_EVERY_REQUEST). The live quorum of an RCP session polls every 20 seconds: it
    would keep an unattended screen logged in forever. A request marked as a poll leaves the
    expiry where it is (unless it changed the session itself).
    """

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.META.get(POLL_HEADER) == "1" and not request.session.modified:
            return response
        return super().process_response(request, response)


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
