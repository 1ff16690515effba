"""Who sees and who edits the PNDS projects and the network's action plan.

- The network coordinator manages everything: creates projects, edits any of them, the plan.
- A project's coordinators (network members named on it) edit their project: description,
  step, working groups, meetings, versions.
- Every member of the network (signed in, with a role at a centre) reads the projects and the
  plan. A physician invited from outside to a case meeting holds no centre: not a member.
- Nobody else sees anything (the pages ask for a login first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import Capability, Grants, grants_for
from filiere.guidelines.models import GuidelineProject


@dataclass(frozen=True)
class GuidelineRights:
    view: bool = False
    edit: bool = False


def is_network_member(grants: Grants) -> bool:
    return bool(grants.member_centre_ids)


def manages_guidelines(grants: Grants) -> bool:
    return grants.is_network_wide(Capability.CONFIGURE_NETWORK)


def may_see_guidelines(user: Any) -> bool:
    return is_network_member(grants_for(user))


def may_manage_guidelines(user: Any) -> bool:
    return manages_guidelines(grants_for(user))


def project_rights(user: Any, project: GuidelineProject) -> GuidelineRights:
    grants = grants_for(user)
    if not is_network_member(grants):
        return GuidelineRights()
    edit = manages_guidelines(grants) or project.coordinators.filter(pk=user.pk).exists()
    return GuidelineRights(view=True, edit=edit)
