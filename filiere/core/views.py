from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from filiere.access import Capability, grants_for
from filiere.core.attention import attention_for
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
