"""A user's grants: which capabilities hold at which centres.

A user's rights come from their memberships: each (centre, role) pair grants the role's
capabilities *at that centre*. A few roles act for the whole network (network coordinator,
auditor): their capabilities hold everywhere.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from filiere.network.models import Role

if TYPE_CHECKING:
    from filiere.accounts.models import User


class Capability(enum.StrEnum):
    VIEW_PATIENTS = "view_patients"
    EDIT_PATIENTS = "edit_patients"
    VIEW_IDENTITY = "view_identity"
    VIEW_CENTRE_MEMBERS = "view_centre_members"
    SUBMIT_CASES = "submit_cases"
    MANAGE_MEETINGS = "manage_meetings"
    TRANSFUSION = "transfusion"
    MANAGE_DUPLICATES = "manage_duplicates"
    EXPORT_NATIONAL = "export_national"
    VIEW_STATISTICS = "view_statistics"
    CONFIGURE_NETWORK = "configure_network"
    VIEW_AUDIT = "view_audit"
    OBSERVATORY = "observatory"
    RESOLVE_DUPLICATES_ACROSS_CENTRES = "resolve_duplicates_across_centres"
    # Follow the delivery of the e-mails sent for the centre (those not delivered, resend them).
    FOLLOW_MAIL = "follow_mail"
    REQUEST_RESEARCH_EXTRACT = "request_research_extract"
    APPROVE_RESEARCH_EXTRACT = "approve_research_extract"
    # Edit the draft of the centre's entry in the public directory (publishing is the network's).
    EDIT_DIRECTORY = "edit_directory"
    # Organise the centre's events (national days, webinars…): registrations, attendance.
    ORGANISE_EVENTS = "organise_events"


C = Capability

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CLINICIAN: frozenset(
        {
            C.VIEW_PATIENTS,
            C.EDIT_PATIENTS,
            C.VIEW_IDENTITY,
            C.VIEW_CENTRE_MEMBERS,
            C.SUBMIT_CASES,
            C.REQUEST_RESEARCH_EXTRACT,
        }
    ),
    Role.CENTRE_COORDINATOR: frozenset(
        {
            C.VIEW_PATIENTS,
            C.EDIT_PATIENTS,
            C.VIEW_IDENTITY,
            C.VIEW_CENTRE_MEMBERS,
            C.SUBMIT_CASES,
            C.EXPORT_NATIONAL,
            C.VIEW_STATISTICS,
            C.REQUEST_RESEARCH_EXTRACT,
            C.EDIT_DIRECTORY,
            C.ORGANISE_EVENTS,
        }
    ),
    Role.RCP_COORDINATOR: frozenset(
        {C.MANAGE_MEETINGS, C.VIEW_CENTRE_MEMBERS, C.SUBMIT_CASES, C.FOLLOW_MAIL}
    ),
    Role.TRANSFUSION_SPECIALIST: frozenset({C.TRANSFUSION, C.VIEW_CENTRE_MEMBERS}),
    Role.DATA_MANAGER: frozenset(
        {
            C.VIEW_PATIENTS,
            C.EDIT_PATIENTS,
            C.VIEW_IDENTITY,
            C.VIEW_CENTRE_MEMBERS,
            C.MANAGE_DUPLICATES,
            C.EXPORT_NATIONAL,
            C.VIEW_STATISTICS,
            C.REQUEST_RESEARCH_EXTRACT,
        }
    ),
    Role.NETWORK_COORDINATOR: frozenset(
        {
            C.VIEW_STATISTICS,
            C.CONFIGURE_NETWORK,
            C.VIEW_AUDIT,
            C.OBSERVATORY,
            C.VIEW_CENTRE_MEMBERS,
            C.RESOLVE_DUPLICATES_ACROSS_CENTRES,
            C.FOLLOW_MAIL,
            C.APPROVE_RESEARCH_EXTRACT,
            C.EDIT_DIRECTORY,
            C.ORGANISE_EVENTS,
        }
    ),
    Role.AUDITOR: frozenset({C.VIEW_AUDIT}),
}

# Roles whose capabilities hold for every centre of the network, not only their own.
NETWORK_WIDE_ROLES: frozenset[str] = frozenset({Role.NETWORK_COORDINATOR, Role.AUDITOR})


@dataclass(frozen=True)
class Grants:
    """The rights of one user: for each capability, the centres where it holds."""

    by_capability: dict[Capability, frozenset[int]] = field(default_factory=dict)
    network_wide: frozenset[Capability] = frozenset()
    roles_by_centre: dict[int, frozenset[str]] = field(default_factory=dict)

    def centre_ids(self, capability: Capability) -> frozenset[int]:
        return self.by_capability.get(capability, frozenset())

    def has(self, capability: Capability, centre_id: int | None = None) -> bool:
        if capability in self.network_wide:
            return True
        centres = self.by_capability.get(capability, frozenset())
        return bool(centres) if centre_id is None else centre_id in centres

    def is_network_wide(self, capability: Capability) -> bool:
        return capability in self.network_wide

    @property
    def member_centre_ids(self) -> frozenset[int]:
        return frozenset(self.roles_by_centre)


_EMPTY = Grants()
_CACHE_ATTRIBUTE = "_filiere_grants"
# Where ``access.transfusion`` caches the specialist's regions for the request.
REGIONS_ATTRIBUTE = "_filiere_specialist_regions"


def grants_for(user: User | Any) -> Grants:
    """Return the user's rights, read once per request (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return _EMPTY
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    by_capability: dict[Capability, set[int]] = {}
    network_wide: set[Capability] = set()
    roles_by_centre: dict[int, set[str]] = {}
    for centre_id, role in user.memberships.filter(centre__is_active=True).values_list(
        "centre_id", "role"
    ):
        roles_by_centre.setdefault(centre_id, set()).add(role)
        for capability in ROLE_CAPABILITIES.get(role, frozenset()):
            by_capability.setdefault(capability, set()).add(centre_id)
            if role in NETWORK_WIDE_ROLES:
                network_wide.add(capability)
    grants = Grants(
        by_capability={k: frozenset(v) for k, v in by_capability.items()},
        network_wide=frozenset(network_wide),
        roles_by_centre={k: frozenset(v) for k, v in roles_by_centre.items()},
    )
    setattr(user, _CACHE_ATTRIBUTE, grants)
    return grants


# What the policies cache on the user object for one request.
_CACHED_ATTRIBUTES = (_CACHE_ATTRIBUTE, REGIONS_ATTRIBUTE)


def forget_grants(user: User) -> None:
    """Drop the cached rights (after a membership change within the same request)."""
    for attribute in _CACHED_ATTRIBUTES:
        if hasattr(user, attribute):
            delattr(user, attribute)


def can(user: User | Any, capability: Capability, centre_id: int | None = None) -> bool:
    return grants_for(user).has(capability, centre_id)


def centres_where(user: User | Any, capability: Capability) -> frozenset[int]:
    """Return the centres where ``user`` holds ``capability`` (network-wide roles included)."""
    return grants_for(user).centre_ids(capability)


def may_administer_accounts(user: User | Any) -> bool:
    """The administration pages' staff set what identifies an account (its RPPS)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_staff or user.is_superuser)
    )
