"""The writer: a ``PatientRecord`` to the Phenopacket v2 JSON (protobuf JSON field names)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from filiere.exports.phenopackets.model import (
    AcmgClass,
    AgeInMonths,
    DiseaseEntry,
    Onset,
    PatientRecord,
    PhenotypeEntry,
    Resource,
    TreatmentEntry,
    VariantEntry,
)

SCHEMA_VERSION = "2.0"
CREATED_BY = "Filière"


def iso8601_age(age: AgeInMonths) -> str:
    """Return the ISO 8601 duration of an age in months: 8 → "P8M", 34 → "P2Y10M", 24 → "P2Y"."""
    years, months = divmod(age.months, 12)
    if not years:
        return f"P{months}M"
    return f"P{years}Y{months}M" if months else f"P{years}Y"


def _timestamp(moment: dt.datetime) -> str:
    # Protobuf's JSON form of a Timestamp is RFC 3339 in UTC with a "Z".
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _time_element(onset: Onset | AgeInMonths) -> dict[str, Any]:
    if isinstance(onset, AgeInMonths):
        return {"age": {"iso8601duration": iso8601_age(onset)}}
    return {"ontologyClass": {"id": onset.value[0], "label": onset.value[1]}}


def _phenotypic_feature(entry: PhenotypeEntry) -> dict[str, Any]:
    feature: dict[str, Any] = {"type": {"id": entry.hpo_id, "label": entry.label}}
    if entry.excluded:
        feature["excluded"] = True
    if entry.onset is not None:
        feature["onset"] = _time_element(entry.onset)
    return feature


def _disease(entry: DiseaseEntry) -> dict[str, Any]:
    disease: dict[str, Any] = {"term": {"id": entry.code, "label": entry.label}}
    if entry.excluded:
        disease["excluded"] = True
    if entry.onset is not None:
        disease["onset"] = _time_element(entry.onset)
    return disease


def _interpretation_status(variant: VariantEntry, disease: DiseaseEntry | None) -> str:
    if variant.acmg in {AcmgClass.BENIGN, AcmgClass.LIKELY_BENIGN}:
        return "REJECTED"
    pathogenic = variant.acmg in {AcmgClass.PATHOGENIC, AcmgClass.LIKELY_PATHOGENIC}
    return "CAUSATIVE" if pathogenic and disease is not None and disease.confirmed else "CANDIDATE"


def _genomic_interpretation(
    subject: str, variant: VariantEntry, disease: DiseaseEntry | None
) -> dict[str, Any]:
    # The schema requires an id: the HGNC symbol stands in when the gene table lacks its HGNC id.
    gene = {"valueId": variant.hgnc_id or variant.gene_symbol, "symbol": variant.gene_symbol}
    syntax = next(
        (f"hgvs.{kind}" for kind in "cgnrm" if f":{kind}." in variant.hgvs),
        "hgvs",
    )
    expressions = [{"syntax": syntax, "value": variant.hgvs}]
    if variant.protein_hgvs:
        expressions.append({"syntax": "hgvs.p", "value": variant.protein_hgvs})
    return {
        "subjectOrBiosampleId": subject,
        "interpretationStatus": _interpretation_status(variant, disease),
        "variantInterpretation": {
            "acmgPathogenicityClassification": variant.acmg.value,
            "variationDescriptor": {
                "id": variant.id,
                "geneContext": gene,
                "expressions": expressions,
                "allelicState": {
                    "id": variant.zygosity.value[0],
                    "label": variant.zygosity.value[1],
                },
            },
        },
    }


def _progress(disease: DiseaseEntry | None) -> str:
    if disease is None:
        return "UNKNOWN_PROGRESS"
    if disease.confirmed:
        return "SOLVED"
    return "IN_PROGRESS" if disease.in_progress else "UNKNOWN_PROGRESS"


def _interpretations(record: PatientRecord) -> list[dict[str, Any]]:
    """One interpretation per diagnosis explained by variants. A variant linked to no diagnosis
    goes to the patient's only current diagnosis, else to an interpretation without disease."""
    if not record.variants:
        return []
    kept = [d for d in record.diseases if not d.excluded]
    by_id = {d.id: d for d in kept}
    groups: dict[str | None, list[VariantEntry]] = {}
    for variant in record.variants:
        key = variant.diagnosis_id if variant.diagnosis_id in by_id else None
        if key is None and len(kept) == 1:
            key = kept[0].id
        groups.setdefault(key, []).append(variant)
    interpretations = []
    for key, variants in groups.items():
        disease = by_id.get(key) if key is not None else None
        diagnosis: dict[str, Any] = {}
        if disease is not None:
            diagnosis["disease"] = {"id": disease.code, "label": disease.label}
        diagnosis["genomicInterpretations"] = [
            _genomic_interpretation(record.pseudonym, v, disease) for v in variants
        ]
        interpretations.append(
            {
                "id": f"{record.pseudonym}-{key or 'variants'}",
                "progressStatus": _progress(disease),
                "diagnosis": diagnosis,
            }
        )
    return interpretations


def _medical_action(entry: TreatmentEntry) -> dict[str, Any]:
    action: dict[str, Any] = {
        "treatment": {"agent": {"id": f"ATC:{entry.atc_code}", "label": entry.label}}
    }
    if entry.target is not None:
        action["treatmentTarget"] = {"id": entry.target[0], "label": entry.target[1]}
    return action


def _resource(resource: Resource) -> dict[str, str]:
    return {
        "id": resource.id,
        "name": resource.name,
        "url": resource.url,
        "version": resource.version,
        "namespacePrefix": resource.namespace_prefix,
        "iriPrefix": resource.iri_prefix,
    }


def phenopacket(record: PatientRecord) -> dict[str, Any]:
    """Return the phenopacket of ``record`` as the JSON object (protobuf JSON names)."""
    subject: dict[str, Any] = {"id": record.pseudonym}
    if record.age_at_last_encounter is not None:
        subject["timeAtLastEncounter"] = _time_element(record.age_at_last_encounter)
    subject["vitalStatus"] = {"status": record.vital_status.value}
    subject["sex"] = record.sex.value
    packet: dict[str, Any] = {"id": record.pseudonym, "subject": subject}
    if record.phenotypes:
        packet["phenotypicFeatures"] = [_phenotypic_feature(p) for p in record.phenotypes]
    interpretations = _interpretations(record)
    if interpretations:
        packet["interpretations"] = interpretations
    if record.diseases:
        packet["diseases"] = [_disease(d) for d in record.diseases]
    if record.treatments:
        packet["medicalActions"] = [_medical_action(t) for t in record.treatments]
    packet["metaData"] = {
        "created": _timestamp(record.created_at),
        "createdBy": CREATED_BY,
        "resources": [_resource(r) for r in record.resources],
        "phenopacketSchemaVersion": SCHEMA_VERSION,
    }
    return packet


def render_phenopacket(record: PatientRecord) -> str:
    """Return the phenopacket of ``record`` as JSON text (UTF-8, French labels kept as is)."""
    return json.dumps(phenopacket(record), ensure_ascii=False, indent=2) + "\n"
