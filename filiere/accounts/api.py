from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from filiere.accounts.schemas import MembershipOut, MeOut
from filiere.core.http import api_user
from filiere.network.selectors import memberships_of

router = Router(tags=["comptes"])


@router.get("", response=MeOut, summary="Le compte connecté et ses rôles")
def me(request: HttpRequest) -> MeOut:
    user = api_user(request)
    return MeOut(
        id=user.public_id,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        title=user.title,
        specialty=user.specialty,
        rpps=user.rpps,
        memberships=[
            MembershipOut(
                centre_id=m.centre.public_id,
                centre_name=m.centre.name,
                role=m.role,
                role_label=str(m.get_role_display()),
            )
            for m in memberships_of(user)
        ],
    )
