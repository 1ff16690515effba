"""Who may see and run a therapeutic education (ETP) programme.

- The coordinator of the programme's centre and the members of its educational team edit it
  (team, sessions, participants, attendance, evaluations).
- The clinicians of the centre (whoever reads its patients) see it.
- The network coordinator sees every programme, and edits none.
- A participant's identity is shown only to the patient's treating team
  (``access.patients.patient_rights``); everyone else reads the pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from filiere.access.grants import Capability, Grants, grants_for
from filiere.education.models import Programme, TeamMember
from filiere.network.models import Role


@dataclass(frozen=True)
class ProgrammeRights:
    see: bool = False
    edit: bool = False


def coordinated_centres(grants: Grants) -> frozenset[int]:
    """The centres whose coordinator ``grants`` belong to: she creates their programmes."""
    return frozenset(
        centre_id
        for centre_id, roles in grants.roles_by_centre.items()
        if Role.CENTRE_COORDINATOR in roles
    )


def sees_education(grants: Grants) -> bool:
    """Whether the menu shows the ETP pages (a team member outside these finds them too)."""
    return (
        grants.has(Capability.VIEW_PATIENTS)
        or grants.is_network_wide(Capability.VIEW_STATISTICS)
        or bool(coordinated_centres(grants))
    )


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def programme_rights(user: Any, programme: Programme) -> ProgrammeRights:
    if not _signed_in(user):
        return ProgrammeRights()
    grants = grants_for(user)
    edit = programme.centre_id in coordinated_centres(grants) or (
        TeamMember.objects.filter(programme=programme, user=user).exists()
    )
    see = (
        edit
        or grants.has(Capability.VIEW_PATIENTS, programme.centre_id)
        or grants.is_network_wide(Capability.VIEW_STATISTICS)
    )
    return ProgrammeRights(see=see, edit=edit)


def may_open_education(user: Any) -> bool:
    """The ETP pages open to whoever the menu shows them to, and to any team member."""
    if not _signed_in(user):
        return False
    return sees_education(grants_for(user)) or TeamMember.objects.filter(user=user).exists()


def visible_programmes(user: Any) -> Q | None:
    """The condition on ``Programme`` of the programmes ``user`` sees: None for all of them."""
    if not _signed_in(user):
        return Q(pk__in=[])
    grants = grants_for(user)
    if grants.is_network_wide(Capability.VIEW_STATISTICS):
        return None
    centres = grants.centre_ids(Capability.VIEW_PATIENTS) | coordinated_centres(grants)
    return Q(centre_id__in=centres) | Q(team__user=user)
