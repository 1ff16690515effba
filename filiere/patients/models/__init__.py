"""The registry: pseudonymised patients, their follow-up by centres, consents, diagnoses,
genetic findings, phenotypes and platelet work-ups.

No table here holds an identity trait (see ``filiere.identity``). The patient keeps only what
clinical reasoning needs: sex, and the year and month of birth (to compute ages).
"""

from __future__ import annotations

from filiere.patients.models.dates import (
    PARTIAL_DATE_LABELS,
    PartialDateFields,
    partial_date_constraint,
)
from filiere.patients.models.diagnoses import AgeCategory, BleedingSite, Diagnosis, DiagnosisStatus
from filiere.patients.models.observations import (
    GeneticFinding,
    PhenotypeObservation,
    PlateletWorkup,
)
from filiere.patients.models.patient import CareEpisode, Consent, Patient, ReferredBy

__all__ = [
    "PARTIAL_DATE_LABELS",
    "AgeCategory",
    "BleedingSite",
    "CareEpisode",
    "Consent",
    "Diagnosis",
    "DiagnosisStatus",
    "GeneticFinding",
    "PartialDateFields",
    "Patient",
    "PhenotypeObservation",
    "PlateletWorkup",
    "ReferredBy",
    "partial_date_constraint",
]
