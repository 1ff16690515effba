"""Reads of centres and memberships, scoped by ``filiere.access``."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.core.access_errors import NotVisible
from filiere.network.models import Centre, Membership


def centres_visible_to(user: User) -> QuerySet[Centre]:
    """Return the centres a user belongs to (every centre for network-wide roles)."""
    grants = grants_for(user)
    centres = Centre.objects.select_related("parent")
    if grants.is_network_wide(Capability.VIEW_CENTRE_MEMBERS) or grants.is_network_wide(
        Capability.VIEW_AUDIT
    ):
        return centres.all()
    return centres.filter(pk__in=grants.member_centre_ids)


def get_centre_for_user(user: User, public_id: uuid.UUID | str) -> Centre:
    """Return the centre, or raise 404 when it does not exist or the user may not see it."""
    try:
        centre = Centre.objects.select_related("parent").get(public_id=public_id)
    except (Centre.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc
    if not centres_visible_to(user).filter(pk=centre.pk).exists():
        raise NotVisible("network.centre", str(centre.public_id))
    return centre


def members_visible_to(user: User, centre: Centre) -> QuerySet[Membership]:
    """Return the memberships of ``centre`` when the user may list its members, else none."""
    if not grants_for(user).has(Capability.VIEW_CENTRE_MEMBERS, centre.pk):
        return Membership.objects.none()
    return (
        Membership.objects.filter(centre=centre, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("centre").order_by("centre__name", "role")
