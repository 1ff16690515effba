"""The follow-up models, by theme: visits and schedule, bleeding history, treatments."""

from __future__ import annotations

from filiere.followup.models.bleeding import (
    DOMAIN_FIELDS,
    BleedingEvent,
    BleedingScore,
    ReferencePopulation,
    Version,
)
from filiere.followup.models.treatments import (
    ATC_PATTERN,
    WITHOUT_ATC,
    AdverseEvent,
    AtcCode,
    DoseRange,
    Treatment,
    TreatmentClass,
)
from filiere.followup.models.visits import (
    CentreDue,
    DiseaseSeverity,
    FollowUpRule,
    FollowUpSchedule,
    Visit,
)

__all__ = [
    "ATC_PATTERN",
    "DOMAIN_FIELDS",
    "WITHOUT_ATC",
    "AdverseEvent",
    "AtcCode",
    "BleedingEvent",
    "BleedingScore",
    "CentreDue",
    "DiseaseSeverity",
    "DoseRange",
    "FollowUpRule",
    "FollowUpSchedule",
    "ReferencePopulation",
    "Treatment",
    "TreatmentClass",
    "Version",
    "Visit",
]
