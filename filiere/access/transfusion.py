"""What a user may do with a patient's transfusion support.

The patient's own clinicians (who see the patient in the registry) see the transfusion record;
the transfusion specialists of a blood-establishment site see it, and sign the instruction,
when the site's region is that of a centre following the patient. They never see the identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from filiere.access.grants import REGIONS_ATTRIBUTE, Capability, grants_for
from filiere.network.models import Centre
from filiere.patients.models import Patient


@dataclass(frozen=True)
class TransfusionRights:
    see: bool = False
    sign_instruction: bool = False


def specialist_regions(user: Any) -> frozenset[str]:
    """Regions of the blood-establishment sites where ``user`` is a transfusion specialist
    (read once per request, like the grants)."""
    cached = getattr(user, REGIONS_ATTRIBUTE, None)
    if cached is not None:
        return frozenset(cached)
    sites = grants_for(user).centre_ids(Capability.TRANSFUSION)
    regions = (
        frozenset(Centre.objects.filter(pk__in=sites).values_list("region", flat=True))
        if sites
        else frozenset()
    )
    if user is not None and getattr(user, "is_authenticated", False):
        setattr(user, REGIONS_ATTRIBUTE, regions)
    return regions


def transfusion_rights(user: Any, patient: Patient) -> TransfusionRights:
    grants = grants_for(user)
    if patient.merged_into_id is not None or not grants.roles_by_centre:
        return TransfusionRights()
    episodes = list(patient.care_episodes.values_list("centre_id", "centre__region"))
    centres = {centre for centre, _ in episodes}
    regions = {region for _, region in episodes}
    specialist = bool(regions & specialist_regions(user))
    clinician = bool(centres & grants.centre_ids(Capability.VIEW_PATIENTS))
    return TransfusionRights(see=clinician or specialist, sign_instruction=specialist)
