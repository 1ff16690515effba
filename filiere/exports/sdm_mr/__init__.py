"""The national rare-disease minimum dataset (SDM-MR 2024.01) as an HL7 CDA R2 document.

Fill an ``SdmMrDocument`` from the registry and call ``render_sdm_mr``; the result passes the
national check (``validate_sdm_mr.py``: CDA schema and the ANS schematron with its value sets).

- ``model``: the input dataclasses (the contract with the registry's adapter);
- ``value_sets``: the national value sets and the older diagnostic statuses;
- ``cda`` and its helpers: the writer.
"""

from __future__ import annotations

from filiere.exports.sdm_mr.cda import render_sdm_mr
from filiere.exports.sdm_mr.model import (
    Activity,
    AgeAt,
    CareEpisode,
    Centre,
    Clinician,
    Consanguinity,
    DatePrecision,
    Diagnosis,
    ExternalId,
    FamilyIndexCase,
    Gene,
    Identity,
    Ins,
    Ipp,
    PartialDate,
    PatientRecord,
    Research,
    SdmMrDocument,
    Term,
    Terminology,
    VitalStatus,
)
from filiere.exports.sdm_mr.value_sets import (
    BNDMR_OPPOSITION,
    ERN_EURREB_CONSENT,
    PUBLIC_HEALTH_ESTABLISHMENT,
    ActivityContext,
    ActivityObjective,
    AgePeriod,
    Concept,
    Consent,
    DiagnosisAppraisal,
    DiagnosticStatus,
    GeneticTechnique,
    IdentityStatus,
    InsOid,
    Kinship,
    Profession,
    ReferredBy,
    Sex,
    SporadicOrFamilial,
    ValueSet,
    modern_status,
)

__all__ = [
    "BNDMR_OPPOSITION",
    "ERN_EURREB_CONSENT",
    "PUBLIC_HEALTH_ESTABLISHMENT",
    "Activity",
    "ActivityContext",
    "ActivityObjective",
    "AgeAt",
    "AgePeriod",
    "CareEpisode",
    "Centre",
    "Clinician",
    "Concept",
    "Consanguinity",
    "Consent",
    "DatePrecision",
    "Diagnosis",
    "DiagnosisAppraisal",
    "DiagnosticStatus",
    "ExternalId",
    "FamilyIndexCase",
    "Gene",
    "GeneticTechnique",
    "Identity",
    "IdentityStatus",
    "Ins",
    "InsOid",
    "Ipp",
    "Kinship",
    "PartialDate",
    "PatientRecord",
    "Profession",
    "ReferredBy",
    "Research",
    "SdmMrDocument",
    "Sex",
    "SporadicOrFamilial",
    "Term",
    "Terminology",
    "ValueSet",
    "VitalStatus",
    "modern_status",
    "render_sdm_mr",
]
