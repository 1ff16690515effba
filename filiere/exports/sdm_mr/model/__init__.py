"""Input of the SDM-MR writer: frozen, typed dataclasses that mirror the national items.

The registry's adapter fills these from its models; the writer never sees a model. Each class
checks on construction what would otherwise produce a document that the national validator
refuses or that says something false, and raises ValueError with a French message naming the
item. Identifiers are raw (an 11-digit RPPS, a 9-digit FINESS): the writer adds the national
prefixes.
"""

from __future__ import annotations

from filiere.exports.sdm_mr.model.people import (
    Centre,
    Clinician,
    Consanguinity,
    Identity,
    Ins,
    Ipp,
    PatientRecord,
    VitalStatus,
)
from filiere.exports.sdm_mr.model.records import (
    Activity,
    AgeAt,
    CareEpisode,
    Diagnosis,
    FamilyIndexCase,
    Gene,
    Research,
    SdmMrDocument,
)
from filiere.exports.sdm_mr.model.values import (
    DatePrecision,
    ExternalId,
    PartialDate,
    Term,
    Terminology,
)

__all__ = [
    "Activity",
    "AgeAt",
    "CareEpisode",
    "Centre",
    "Clinician",
    "Consanguinity",
    "DatePrecision",
    "Diagnosis",
    "ExternalId",
    "FamilyIndexCase",
    "Gene",
    "Identity",
    "Ins",
    "Ipp",
    "PartialDate",
    "PatientRecord",
    "Research",
    "SdmMrDocument",
    "Term",
    "Terminology",
    "VitalStatus",
]
