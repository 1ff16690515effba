"""GA4GH Phenopackets v2 (schema 2.0): one phenopacket per patient, as the protobuf JSON form.

Fill a ``PatientRecord`` from the registry and call ``render_phenopacket``; the result parses
into ``phenopackets.Phenopacket`` with ``google.protobuf.json_format.Parse`` (the tests do it on
every document, unknown fields refused).

The mapping follows the ERDRI Rare Disease Common Data Model v2.0.2 (RD-CDM,
``../shared/data/rd-cdm/rd_cdm_v2_0_2_data_elements.csv``, column
``phenopacketSchemaElement_v2_0``): 1.1 pseudonym → ``Individual.id``; 2.2 sex →
``Individual.sex``; 3.4 age → ``Individual.time_at_last_encounter``; 3.1 vital status →
``Individual.vital_status``; 5.1 disease → ``Disease.term`` (ORPHA), 5.2 verification status
(refuted) → ``Disease.excluded``, 5.3 age at onset → ``Disease.onset``; 6.1.7–6.1.9 HGVS →
``VariationDescriptor.expressions``, 6.1.10 gene → ``GeneDescriptor``, 6.1.11 zygosity →
``VariationDescriptor.allelic_state`` (GENO, as the Phenopacket schema asks, not the LOINC
answers of the RD-CDM value set), 6.1.14 ACMG class →
``VariantInterpretation.acmg_pathogenicity_classification``; 6.2.1 phenotypic feature →
``PhenotypicFeature.type``, 6.2.2 status → ``excluded``, 6.2.5 onset category → ``onset``.
Treatments (not an RD-CDM element) go to ``MedicalAction.treatment`` when they name an ATC
drug: the agent, and the disease treated as ``treatment_target``.

No identity trait ever enters the input: the subject is the pseudonym, the age is known to the
month only, and there is no date of birth.
"""

from __future__ import annotations

from filiere.exports.phenopackets.model import (
    AcmgClass,
    AgeInMonths,
    DiseaseEntry,
    Onset,
    PatientRecord,
    PhenotypeEntry,
    Resource,
    Sex,
    TreatmentEntry,
    VariantEntry,
    VitalStatus,
    Zygosity,
)
from filiere.exports.phenopackets.render import iso8601_age, render_phenopacket

__all__ = [
    "AcmgClass",
    "AgeInMonths",
    "DiseaseEntry",
    "Onset",
    "PatientRecord",
    "PhenotypeEntry",
    "Resource",
    "Sex",
    "TreatmentEntry",
    "VariantEntry",
    "VitalStatus",
    "Zygosity",
    "iso8601_age",
    "render_phenopacket",
]
