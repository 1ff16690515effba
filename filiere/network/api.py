from __future__ import annotations

import uuid

from django.http import HttpRequest
from ninja import Router

from filiere.core.http import api_user
from filiere.network.models import Centre
from filiere.network.schemas import CentreDetailOut, CentreOut, MemberOut
from filiere.network.selectors import centres_visible_to, get_centre_for_user, members_visible_to

router = Router(tags=["centres"])


def _centre_out(centre: Centre) -> dict[str, object]:
    return {
        "id": centre.public_id,
        "name": centre.name,
        "kind": centre.kind,
        "finess": centre.finess,
        "city": centre.city,
        "region": centre.region,
        "parent_id": centre.parent.public_id if centre.parent else None,
    }


@router.get("", response=list[CentreOut], summary="Les centres visibles")
def list_centres(request: HttpRequest) -> list[dict[str, object]]:
    return [_centre_out(c) for c in centres_visible_to(api_user(request))]


@router.get("/{centre_id}", response=CentreDetailOut, summary="Un centre et son équipe")
def centre_detail(request: HttpRequest, centre_id: uuid.UUID) -> dict[str, object]:
    user = api_user(request)
    centre = get_centre_for_user(user, centre_id)
    members = [
        MemberOut(
            user_id=m.user.public_id,
            name=m.user.display_name,
            specialty=m.user.specialty,
            role=m.role,
            email=m.user.email,
        )
        for m in members_visible_to(user, centre)
    ]
    return {**_centre_out(centre), "members": members}
