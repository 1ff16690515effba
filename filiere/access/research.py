"""Who may see a research extract request, decide on it and download its extract.

A request is seen by its requester (while she may still ask for extracts) and by the network's
approvers (the network coordinator). Only an approver decides; only the requester downloads the
extract, once (the service refuses a second download).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import Capability, can, grants_for
from filiere.research.models import ResearchRequest


def may_request_research(user: Any) -> bool:
    return can(user, Capability.REQUEST_RESEARCH_EXTRACT)


def may_approve_research(user: Any) -> bool:
    """Approval is the network's: a capability held network-wide, never at one centre."""
    return grants_for(user).is_network_wide(Capability.APPROVE_RESEARCH_EXTRACT)


@dataclass(frozen=True)
class ResearchRights:
    see: bool = False
    decide: bool = False
    # The requester alone; whether the extract is ready (and not yet downloaded) is the
    # service's to say.
    download: bool = False


def research_rights(user: Any, request: ResearchRequest) -> ResearchRights:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ResearchRights()
    requester = request.requester_id == user.pk and may_request_research(user)
    approver = may_approve_research(user)
    return ResearchRights(see=requester or approver, decide=approver, download=requester)
