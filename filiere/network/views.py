from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from filiere.network.selectors import centres_visible_to, get_centre_for_user, members_visible_to


@login_required
def centre_list(request: HttpRequest) -> HttpResponse:
    centres = centres_visible_to(request.user).order_by("name")  # type: ignore[arg-type]
    return render(request, "network/centre_list.html", {"centres": centres})


@login_required
def centre_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    centre = get_centre_for_user(request.user, public_id)  # type: ignore[arg-type]
    members = members_visible_to(request.user, centre)  # type: ignore[arg-type]
    return render(request, "network/centre_detail.html", {"centre": centre, "members": members})
