"""What a user may do with a patient of the registry, and with a pair of suspected duplicates.

The patient's centres are those with a care episode for the patient (open or closed): the
registry's rights hold at a centre, so a user sees a patient when one of her centres follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import Capability, centres_where, grants_for
from filiere.patients.models import Patient


@dataclass(frozen=True)
class PatientRights:
    see: bool = False
    edit: bool = False
    see_identity: bool = False

    @classmethod
    def none(cls) -> PatientRights:
        return cls()


def following_centres(patient: Patient) -> frozenset[int]:
    return frozenset(patient.care_episodes.values_list("centre_id", flat=True))


def patient_rights(
    user: Any, patient: Patient, following: frozenset[int] | None = None
) -> PatientRights:
    """What ``user`` may do with ``patient`` (``following``: its centres, when already read).

    A merged record is reached only through the record it was merged into.
    """
    grants = grants_for(user)
    if patient.merged_into_id is not None or not grants.roles_by_centre:
        return PatientRights.none()
    centres = following_centres(patient) if following is None else following

    def holds(capability: Capability) -> bool:
        return bool(centres & grants.centre_ids(capability))

    see = holds(Capability.VIEW_PATIENTS)
    return PatientRights(
        see=see,
        edit=see and holds(Capability.EDIT_PATIENTS),
        see_identity=see and holds(Capability.VIEW_IDENTITY),
    )


# --- Duplicates ---------------------------------------------------------------------------


def may_resolve_duplicates_across_centres(user: Any) -> bool:
    """The network coordinator settles the pairs that no single data manager follows whole."""
    return grants_for(user).is_network_wide(Capability.RESOLVE_DUPLICATES_ACROSS_CENTRES)


def may_see_duplicates(user: Any) -> bool:
    return grants_for(user).has(
        Capability.MANAGE_DUPLICATES
    ) or may_resolve_duplicates_across_centres(user)


def may_merge_duplicate(user: Any, following: set[int] | frozenset[int]) -> bool:
    """Whether ``user`` may merge a pair followed by ``following`` (both records' centres).

    A data manager merges only when every centre following either record is one she manages:
    otherwise the merge would show one centre's patient to another centre's clinicians, a
    decision that belongs to the network coordinator.
    """
    if may_resolve_duplicates_across_centres(user):
        return True
    managed = centres_where(user, Capability.MANAGE_DUPLICATES)
    return bool(following) and set(following) <= managed


# --- Reports on the registry ------------------------------------------------------------


@dataclass(frozen=True)
class ReportScope:
    """Which centres' records a report counts, and how it may show them.

    ``centre_ids`` None is the whole network. A network-wide reader sees counts only, cells under
    five patients masked; a centre's coordinator or data manager sees her centres' figures whole
    and, where she may read the patients, the list of their incomplete records (pseudonyms).
    """

    centre_ids: frozenset[int] | None
    masked: bool
    records_centre_ids: frozenset[int]


def registry_report_scope(user: Any) -> ReportScope | None:
    """The scope of the registry's reports (diagnosis observatory) for ``user``, or None."""
    grants = grants_for(user)
    if grants.is_network_wide(Capability.OBSERVATORY):
        return ReportScope(centre_ids=None, masked=True, records_centre_ids=frozenset())
    centres = grants.centre_ids(Capability.VIEW_STATISTICS)
    if not centres:
        return None
    return ReportScope(
        centre_ids=centres,
        masked=False,
        records_centre_ids=centres & grants.centre_ids(Capability.VIEW_PATIENTS),
    )
