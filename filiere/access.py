"""Who may see and do what: the one place that decides.

A user's rights come from their memberships: each (centre, role) pair grants the role's
capabilities *at that centre*. A few roles act for the whole network (network coordinator,
auditor): their capabilities hold everywhere. Every selector and view asks this module; no view
decides on its own.

Objects outside a user's reach are answered with 404, never 403, so that their existence does
not leak.
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


C = Capability

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CLINICIAN: frozenset(
        {C.VIEW_PATIENTS, C.EDIT_PATIENTS, C.VIEW_IDENTITY, C.VIEW_CENTRE_MEMBERS, C.SUBMIT_CASES}
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
        }
    ),
    Role.RCP_COORDINATOR: frozenset({C.MANAGE_MEETINGS, C.VIEW_CENTRE_MEMBERS, C.SUBMIT_CASES}),
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


def forget_grants(user: User) -> None:
    """Drop the cached rights (after a membership change within the same request)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


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


# --- Duplicates ---------------------------------------------------------------------------


def may_resolve_duplicates_across_centres(user: User | Any) -> bool:
    """The network coordinator settles the pairs that no single data manager follows whole."""
    return grants_for(user).is_network_wide(Capability.RESOLVE_DUPLICATES_ACROSS_CENTRES)


def may_merge_duplicate(user: User | Any, following_centres: set[int] | frozenset[int]) -> bool:
    """Whether ``user`` may merge a pair followed by ``following_centres`` (both records).

    A data manager merges only when every centre following either record is one she manages:
    otherwise the merge would show one centre's patient to another centre's clinicians, a
    decision that belongs to the network coordinator.
    """
    if may_resolve_duplicates_across_centres(user):
        return True
    managed = centres_where(user, Capability.MANAGE_DUPLICATES)
    return bool(following_centres) and set(following_centres) <= managed


# --- Meetings -----------------------------------------------------------------------------


def meetings_open_for_registration(user: User | Any, meetings: list[Any]) -> set[int]:
    """Of these meetings, those ``user`` may register for (the rule of
    ``may_register_for_meeting``, in two queries for a calendar's worth of meetings)."""
    from django.db.models import Q
    from django.utils import timezone

    from filiere.meetings.models import ExternalInvitation, SeriesMember

    if not getattr(user, "is_authenticated", False) or not user.is_active or not meetings:
        return set()
    series_ids = {m.series_id for m in meetings}
    member_of = set(
        SeriesMember.objects.filter(series_id__in=series_ids, user=user).values_list(
            "series_id", flat=True
        )
    )
    invitations = list(
        ExternalInvitation.objects.filter(series_id__in=series_ids, user=user)
        .filter(Q(meeting__isnull=True) | Q(meeting_id__in=[m.pk for m in meetings]))
        .filter(expires_at__gt=timezone.now())
        .values_list("series_id", "meeting_id")
    )
    return {
        m.pk
        for m in meetings
        if m.series_id in member_of
        or any(s == m.series_id and i in (None, m.pk) for s, i in invitations)
    }


def may_register_for_meeting(user: User | Any, meeting: Any) -> bool:
    """A physician registers only for a meeting of a series she belongs to or is invited to:
    registering opens the meeting's agenda, with other centres' cases."""
    from django.db.models import Q
    from django.utils import timezone

    from filiere.meetings.models import ExternalInvitation, SeriesMember

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if SeriesMember.objects.filter(series_id=meeting.series_id, user=user).exists():
        return True
    return (
        ExternalInvitation.objects.filter(series_id=meeting.series_id, user=user)
        .filter(Q(meeting__isnull=True) | Q(meeting_id=meeting.pk))
        .filter(expires_at__gt=timezone.now())
        .exists()
    )
