from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from filiere.access import Capability, grants_for
from filiere.core.attention import attention_for
from filiere.core.health import overall, run_checks
from filiere.core.metrics import exposition
from filiere.core.navigation import cards_for
from filiere.network.selectors import memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what needs attention today for each of the user's roles, their centres
    and roles, and what their roles let them do."""
    grants = grants_for(request.user)
    memberships = list(memberships_of(request.user))  # type: ignore[arg-type]
    return render(
        request,
        "core/home.html",
        {
            "attention": attention_for(request.user),  # type: ignore[arg-type]
            "memberships": memberships,
            "cards": cards_for(request),
            "can_view_audit": grants.has(Capability.VIEW_AUDIT),
            "can_view_members": grants.has(Capability.VIEW_CENTRE_MEMBERS),
        },
    )


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """`/sante/` for the load balancer: 200 while the database answers, 503 otherwise. The
    per-component detail needs `Authorization: Bearer <HEALTH_TOKEN>`: it names the database
    engine and the free disk, which an outsider has no need to know."""
    checks = run_checks()
    status = overall(checks)
    body: dict[str, object] = {"status": status}
    if _health_token_given(request):
        body["checks"] = {
            check.name: {"ok": check.ok, "vital": check.vital, "detail": check.detail}
            for check in checks
        }
    return JsonResponse(body, status=503 if status == "indisponible" else 200)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """`/metriques/` for Prometheus, with `Authorization: Bearer <METRICS_TOKEN>`; a 404 without
    it, and for everyone while no token is configured (figures of use are not public)."""
    if not _token_given(request, settings.METRICS_TOKEN):
        raise Http404
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)


def _health_token_given(request: HttpRequest) -> bool:
    return _token_given(request, settings.HEALTH_TOKEN)


def _token_given(request: HttpRequest, expected: str) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
