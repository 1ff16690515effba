"""The writer: a ``FhirRecord`` to one FHIR R4B ``Bundle`` (type collection) as a JSON dict."""

from __future__ import annotations

import json
import uuid
from typing import Any

from filiere.exports.fhir.model import (
    AgeInMonths,
    ConditionEntry,
    ConsentEntry,
    ConsentScope,
    FhirRecord,
    LabEntry,
    MedicationEntry,
    OnsetTerm,
    PhenotypeEntry,
    VariantEntry,
)

# Every resource id is uuid5(NAMESPACE, "<Type>/<public id>"): two exports are identical.
NAMESPACE = uuid.UUID("7d1f3c52-5b0e-5f43-9a51-0f6b2c1e9a4d")

ORPHA = "http://www.orpha.net"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
HPO = "http://human-phenotype-ontology.org"
LOINC = "http://loinc.org"
HGNC = "http://www.genenames.org/geneId"
HGVS = "http://varnomen.hgvs.org"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://terminology.hl7.org/CodeSystem/consentcategorycodes"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
# The HL7 genomics-reporting IG (STU2, FHIR R4) variant profile.
VARIANT_PROFILE = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant"

_SYSTEMS = {"ORPHA": ORPHA, "ICD10": ICD10}


def resource_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


def _coding(system: str, code: str, display: str = "") -> dict[str, str]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _concept(system: str, code: str, display: str = "") -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)]}


def _age(age: AgeInMonths) -> dict[str, Any]:
    """An ``Age`` in UCUM: whole years when the months make years, else months."""
    if age.months and age.months % 12 == 0:
        return {"value": age.months // 12, "unit": "a", "system": UCUM, "code": "a"}
    return {"value": age.months, "unit": "mo", "system": UCUM, "code": "mo"}


def _patient(record: FhirRecord, pid: str) -> dict[str, Any]:
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": pid,
        "identifier": [{"system": record.pseudonym_system, "value": record.pseudonym}],
        "gender": record.gender.value,
    }
    if record.birth_year is not None:
        patient["birthDate"] = f"{record.birth_year:04d}"
    if record.deceased is not None:
        patient["deceasedBoolean"] = record.deceased
    return patient


def _condition(entry: ConditionEntry, subject: dict[str, str]) -> dict[str, Any]:
    verification, clinical = entry.verification.value
    condition: dict[str, Any] = {
        "resourceType": "Condition",
        "id": resource_id("Condition", entry.id),
    }
    if clinical is not None:
        condition["clinicalStatus"] = _concept(CONDITION_CLINICAL, clinical)
    condition["verificationStatus"] = _concept(CONDITION_VERIFICATION, verification)
    condition["code"] = {
        "coding": [_coding(_SYSTEMS[entry.system], entry.code, entry.label)],
        "text": entry.label,
    }
    condition["subject"] = subject
    if isinstance(entry.onset, AgeInMonths):
        condition["onsetAge"] = _age(entry.onset)
    elif isinstance(entry.onset, OnsetTerm):
        condition["onsetString"] = f"{entry.onset.label} ({entry.onset.hpo_id})"
    return condition


def _phenotype(entry: PhenotypeEntry, subject: dict[str, str]) -> dict[str, Any]:
    category = [_concept(OBSERVATION_CATEGORY, "exam", "Exam")]
    if entry.onset is not None:
        # RD-CDM 6.2.5: the onset category goes to Observation.category.
        category.append(_concept(HPO, entry.onset.hpo_id, entry.onset.label))
    interpretation = ("NEG", "Negative") if entry.excluded else ("POS", "Positive")
    return {
        "resourceType": "Observation",
        "id": resource_id("Observation", entry.id),
        "status": "final",
        "category": category,
        "code": {"coding": [_coding(HPO, entry.hpo_id, entry.label)], "text": entry.label},
        "subject": subject,
        "valueBoolean": not entry.excluded,
        "interpretation": [_concept(INTERPRETATION, *interpretation)],
    }


def _component(loinc: str, display: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"code": _concept(LOINC, loinc, display), "valueCodeableConcept": value}


def _variant(
    entry: VariantEntry, subject: dict[str, str], conditions: dict[str, str]
) -> dict[str, Any]:
    components = []
    if entry.gene_symbol:
        gene = (
            _concept(HGNC, entry.hgnc_id, entry.gene_symbol)
            if entry.hgnc_id
            else {"text": entry.gene_symbol}
        )
        components.append(_component("48018-6", "Gene studied [ID]", gene))
    if entry.hgvs:
        loinc, display = (
            ("81290-9", "Genomic DNA change (gHGVS)")
            if ":g." in entry.hgvs
            else ("48004-6", "DNA change (c.HGVS)")
        )
        components.append(_component(loinc, display, _concept(HGVS, entry.hgvs, entry.hgvs)))
    if entry.protein_hgvs:
        components.append(
            _component(
                "48005-3",
                "Amino acid change (pHGVS)",
                _concept(HGVS, entry.protein_hgvs, entry.protein_hgvs),
            )
        )
    if entry.zygosity is not None:
        components.append(
            _component("53034-5", "Allelic state", _concept(LOINC, *entry.zygosity.value))
        )
    if entry.significance is not None:
        components.append(
            _component(
                "53037-8",
                "Genetic variation clinical significance",
                _concept(LOINC, *entry.significance.value),
            )
        )
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": resource_id("Observation", entry.id),
        "meta": {"profile": [VARIANT_PROFILE]},
        "status": "final",
        "category": [
            _concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory"),
            _concept(V2_0074, "GE", "Genetics"),
        ],
        "code": _concept(LOINC, "69548-6", "Genetic variant assessment"),
        "subject": subject,
        "valueCodeableConcept": _concept(LOINC, "LA9633-4", "Present"),
    }
    if entry.condition_id in conditions:
        observation["focus"] = [{"reference": conditions[entry.condition_id]}]
    observation["component"] = components
    return observation


def _lab(entry: LabEntry, subject: dict[str, str]) -> dict[str, Any]:
    code, display, unit = entry.lab.value
    # No effective date: sampling dates are quasi-identifying (RD-CDM 6.3.5 left out).
    return {
        "resourceType": "Observation",
        "id": resource_id("Observation", f"{entry.id}/{code}"),
        "status": "final",
        "category": [_concept(OBSERVATION_CATEGORY, "laboratory", "Laboratory")],
        "code": _concept(LOINC, code, display),
        "subject": subject,
        "valueQuantity": {"value": entry.value, "unit": unit, "system": UCUM, "code": unit},
    }


def _medication(
    entry: MedicationEntry,
    index: int,
    record: FhirRecord,
    subject: dict[str, str],
    by_code: dict[str, str],
) -> dict[str, Any]:
    key = entry.id or f"{record.key}/{index}/{entry.atc_code}"
    statement: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": resource_id("MedicationStatement", key),
        # The registry records that a drug was given, not whether it is still taken.
        "status": "unknown",
        "medicationCodeableConcept": {
            "coding": [_coding(ATC, entry.atc_code, entry.label)],
            "text": entry.label,
        },
        "subject": subject,
    }
    if entry.target is not None:
        code, label = entry.target
        if code in by_code:
            statement["reasonReference"] = [{"reference": by_code[code]}]
        else:
            prefix, _sep, value = code.partition(":")
            statement["reasonCode"] = [_concept(_SYSTEMS.get(prefix, ORPHA), value, label)]
    return statement


def _consent(entry: ConsentEntry, patient: dict[str, str]) -> dict[str, Any]:
    category = [_concept(LOINC, "59284-0", "Patient Consent")]
    if entry.research:
        category.append(_concept(CONSENT_CATEGORY, "research", "Research Information Access"))
    category[0]["text"] = entry.label
    permitted = not entry.answer if entry.opt_out else entry.answer
    scope_display = {
        ConsentScope.PRIVACY: "Privacy Consent",
        ConsentScope.RESEARCH: "Research",
        ConsentScope.TREATMENT: "Treatment",
    }[entry.scope]
    return {
        "resourceType": "Consent",
        "id": resource_id("Consent", entry.id),
        "status": "active" if entry.latest else "inactive",
        "scope": _concept(CONSENT_SCOPE, entry.scope.value, scope_display),
        "category": category,
        "patient": patient,
        "dateTime": entry.answered_on,
        "policyRule": _concept(
            ACT_CODE, *(("OPTOUT", "opt-out") if entry.opt_out else ("OPTIN", "opt-in"))
        ),
        "provision": {"type": "permit" if permitted else "deny"},
    }


def fhir_bundle(record: FhirRecord) -> dict[str, Any]:
    """Return the patient's FHIR R4B Bundle (type collection) as a JSON-ready dict."""
    pid = resource_id("Patient", record.key)
    subject = {"reference": f"urn:uuid:{pid}"}
    resources: list[dict[str, Any]] = [_patient(record, pid)]
    conditions = [_condition(c, subject) for c in record.conditions]
    resources += conditions
    by_entry = {
        c.id: f"urn:uuid:{r['id']}" for c, r in zip(record.conditions, conditions, strict=True)
    }
    by_code: dict[str, str] = {}
    for entry, resource in zip(record.conditions, conditions, strict=True):
        if entry.verification.value[0] != "refuted":
            by_code.setdefault(f"{entry.system}:{entry.code}", f"urn:uuid:{resource['id']}")
    resources += [_phenotype(p, subject) for p in record.phenotypes]
    resources += [_variant(v, subject, by_entry) for v in record.variants]
    resources += [_lab(lab, subject) for lab in record.labs]
    resources += [
        _medication(m, i, record, subject, by_code) for i, m in enumerate(record.medications)
    ]
    resources += [_consent(c, subject) for c in record.consents]
    return {
        "resourceType": "Bundle",
        "id": resource_id("Bundle", record.key),
        "type": "collection",
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def render_fhir_bundle(record: FhirRecord) -> str:
    """Return the Bundle as JSON text (UTF-8, French labels kept as is)."""
    return json.dumps(fhir_bundle(record), ensure_ascii=False, indent=2) + "\n"
