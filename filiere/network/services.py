"""Write services for centres and memberships (the one door for these writes)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from filiere.access import forget_grants
from filiere.access.actors import Actor
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.services import create_validated, update_validated
from filiere.network.models import Centre, Membership

CENTRE_FIELDS = (
    "name",
    "short_name",
    "kind",
    "finess",
    "rd_site_code",
    "city",
    "region",
    "parent",
    "address",
    "phone",
    "emergency_phone",
    "email",
    "is_active",
)


@transaction.atomic
def centre_create(*, actor: Actor, **values: Any) -> Centre:
    """Create a centre of the network."""
    unknown = set(values) - set(CENTRE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown centre fields: {sorted(unknown)}")
    centre = create_validated(Centre, **values)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=centre,
        centre_id=centre.public_id,
        summary=f"Centre {centre.name}",
        changes={name: {"après": values[name]} for name in values},
    )
    return centre


@transaction.atomic
def centre_update(*, actor: Actor, centre: Centre, **values: Any) -> Centre:
    """Change a centre's details; records which fields changed."""
    unknown = set(values) - set(CENTRE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown centre fields: {sorted(unknown)}")
    changes = update_validated(centre, values)
    if changes:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=centre,
            centre_id=centre.public_id,
            changes=changes,
        )
    return centre


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, centre: Centre, role: str) -> Membership:
    """Give ``user`` the ``role`` at ``centre`` (idempotent: an existing grant is returned)."""
    existing = Membership.objects.filter(user=user, centre=centre, role=role).first()
    if existing is not None:
        return existing
    membership = create_validated(Membership, user=user, centre=centre, role=role)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=membership,
        centre_id=centre.public_id,
        summary=f"Rôle {membership.get_role_display()}",
        changes={"user": {"après": str(user.public_id)}, "role": {"après": role}},
    )
    forget_grants(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    """Withdraw a role; takes effect at the user's next request."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.ARCHIVE,
        obj=membership,
        centre_id=membership.centre.public_id,
        summary=f"Retrait du rôle {membership.get_role_display()}",
        changes={
            "user": {"avant": str(membership.user.public_id)},
            "role": {"avant": membership.role},
        },
    )
    membership.delete()
    forget_grants(membership.user)
