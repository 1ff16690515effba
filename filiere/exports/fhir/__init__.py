"""HL7 FHIR R4B: one ``Bundle`` (type collection) per patient, as JSON-ready dicts.

Fill a ``FhirRecord`` from the registry and call ``fhir_bundle`` (or ``render_fhir_bundle``);
the tests validate every bundle with ``fhir.resources.R4B`` (the pydantic models of the FHIR
specification).

Why R4B: the ERDRI Rare Disease Common Data Model v2.0.2 (RD-CDM,
``../shared/data/rd-cdm/rd_cdm_v2_0_2_data_elements.csv``, column ``fhirExpression_v4_0_1``)
gives FHIR R4 (4.0.1) paths, and the HL7 genomics-reporting implementation guide (STU2), whose
variant model we follow, targets R4. R4B (4.3) changed none of the resources written here
(Patient, Condition, Observation, MedicationStatement, Consent, Bundle): an R4 consumer reads
these bundles as they are, and R4B is the version the validating library ships.

The bundle holds: the pseudonymised ``Patient`` (identifier = the pseudonym, gender, birth year
only, vital status; no name, birth date, INS or address: identity never leaves the treating
team), a ``Condition`` per current diagnosis (ORPHA or ICD-10 code, clinical and verification
status, onset as an ``Age``), an ``Observation`` per HPO phenotype (``valueBoolean`` false and
interpretation NEG for an excluded one), an ``Observation`` per variant after the
genomics-reporting variant profile (components: gene 48018-6, c.HGVS 48004-6, p.HGVS 48005-3,
allelic state 53034-5, ACMG clinical significance 53037-8, with the LOINC answers of the RD-CDM
value sets), the key results of
the platelet work-ups (platelet count LOINC 777-3 in 10*9/L, mean platelet volume 32623-1 in
fL), a ``MedicationStatement`` per treatment naming an ATC drug, and a ``Consent`` per
recorded answer. Resource ids are uuid5 of the record's public id: two exports are identical.

``RD_CDM`` (``filiere.exports.fhir.rd_cdm``) lists, for each RD-CDM element, the FHIR path
filled or why it is not.
"""

from __future__ import annotations

from filiere.exports.fhir.model import (
    AgeInMonths,
    ConditionEntry,
    ConsentEntry,
    ConsentScope,
    FhirRecord,
    Gender,
    Lab,
    LabEntry,
    MedicationEntry,
    OnsetTerm,
    PhenotypeEntry,
    Significance,
    VariantEntry,
    Verification,
    Zygosity,
)
from filiere.exports.fhir.render import fhir_bundle, render_fhir_bundle, resource_id

__all__ = [
    "AgeInMonths",
    "ConditionEntry",
    "ConsentEntry",
    "ConsentScope",
    "FhirRecord",
    "Gender",
    "Lab",
    "LabEntry",
    "MedicationEntry",
    "OnsetTerm",
    "PhenotypeEntry",
    "Significance",
    "VariantEntry",
    "Verification",
    "Zygosity",
    "fhir_bundle",
    "render_fhir_bundle",
    "resource_id",
]
