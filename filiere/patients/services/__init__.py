"""Every write to the registry: atomic, validated, audited (identity values never logged).

One module per kind of record; this package re-exports the services the other apps call.
"""

from __future__ import annotations

from filiere.patients.services.care import (
    CONSENT_FIELDS,
    care_episode_close,
    care_episode_open,
    consent_record,
    consent_update,
)
from filiere.patients.services.diagnoses import (
    AGE_FIELDS,
    AGE_LABELS,
    BLEEDING_SITES,
    DEAD_END_FIELDS,
    DIAGNOSIS_FIELDS,
    clinical_age_on,
    diagnosis_record,
    diagnosis_update,
)
from filiere.patients.services.duplicates import (
    duplicate_dismiss,
    duplicate_merge,
)
from filiere.patients.services.genetics import (
    FINDING_FIELDS,
    clean_genetic_finding,
    genetic_finding_record,
    genetic_finding_update,
)
from filiere.patients.services.observations import (
    PHENOTYPE_FIELDS,
    WORKUP_BOUNDS,
    WORKUP_FIELDS,
    phenotype_record,
    phenotype_update,
    platelet_workup_record,
    platelet_workup_update,
)
from filiere.patients.services.reads import (
    LIST_WITH_IDENTITY,
    duplicates_listed,
    identity_viewed,
    patient_record_exported,
    patient_record_viewed,
    patients_listed,
)
from filiere.patients.services.registration import (
    Registration,
    patient_register,
    patient_update_identity,
    patient_update_status,
)

__all__ = [
    "AGE_FIELDS",
    "AGE_LABELS",
    "BLEEDING_SITES",
    "CONSENT_FIELDS",
    "DEAD_END_FIELDS",
    "DIAGNOSIS_FIELDS",
    "FINDING_FIELDS",
    "LIST_WITH_IDENTITY",
    "PHENOTYPE_FIELDS",
    "WORKUP_BOUNDS",
    "WORKUP_FIELDS",
    "Registration",
    "care_episode_close",
    "care_episode_open",
    "clean_genetic_finding",
    "clinical_age_on",
    "consent_record",
    "consent_update",
    "diagnosis_record",
    "diagnosis_update",
    "duplicate_dismiss",
    "duplicate_merge",
    "duplicates_listed",
    "genetic_finding_record",
    "genetic_finding_update",
    "identity_viewed",
    "patient_record_exported",
    "patient_record_viewed",
    "patient_register",
    "patient_update_identity",
    "patient_update_status",
    "patients_listed",
    "phenotype_record",
    "phenotype_update",
    "platelet_workup_record",
    "platelet_workup_update",
]
