"""Demo follow-up, consistent with each patient's diagnosis: visits at the disease's rhythm (some
patients overdue), ISTH-BAT scores, bleeds, treatments and a few adverse events.

Glanzmann patients have rFVIIa episodes (within the marketing authorisation when refractory to
platelet transfusions, else off-label under a compassionate prescription framework) and women
among them menorrhagia; Bernard-Soulier patients receive platelet transfusions; MYH9 patients
eltrombopag before surgery (off-label); haemophilia A patients FVIII or emicizumab.

Seeded per patient (by the demo patient's local id) and idempotent: a patient who already has
follow-up data is left alone, so a second run creates nothing.
"""

from __future__ import annotations

from filiere.followup.demo.profiles import (
    BAT_PROFILES,
    INTERVIEWERS,
    PLATELETS,
    PROFILE_BY_ORPHA,
    RFVIIA_JUSTIFICATION,
    SITES_BY_PROFILE,
    D,
)
from filiere.followup.demo.visits import build

__all__ = [
    "BAT_PROFILES",
    "INTERVIEWERS",
    "PLATELETS",
    "PROFILE_BY_ORPHA",
    "RFVIIA_JUSTIFICATION",
    "SITES_BY_PROFILE",
    "D",
    "build",
]
