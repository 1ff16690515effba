"""The EU rare-disease platform's common data elements (RD-CDM v2.0.2 core) as one CSV per centre,
for the ERN registries: one row per patient, one column per element the registry holds, headed by
its RD-CDM ordinal and name. Fed by the FHIR export's records (``exports.fhir``), so the two
exports say the same thing: pseudonym, no identity, ages rather than dates. Several values of one
element (two diagnoses, three variants) are separated by « | », in the same order in every
column of a group (the n-th gene goes with the n-th HGVS)."""

from __future__ import annotations

from collections.abc import Iterable

from filiere.exports.fhir.model import FhirRecord

SEPARATOR = " | "

COLUMNS: tuple[tuple[str, str], ...] = (
    ("1.1", "Pseudonym"),
    ("2.1", "Date of Birth (year)"),
    ("2.2", "Sex at Birth"),
    ("3.1", "Vital Status (deceased)"),
    ("5.1", "Diagnosis of the Rare Disease"),
    ("5.2", "Genetic Diagnosis / Verification Status"),
    ("5.3", "Age at Onset (months)"),
    ("5.8", "Clinical Status"),
    ("6.1.7", "HGVS Variant (c./g.)"),
    ("6.1.8", "HGVS Protein"),
    ("6.1.10", "Gene (HGNC)"),
    ("6.1.11", "Zygosity"),
    ("6.1.14", "Clinical Significance (ACMG)"),
    ("6.2.1", "Phenotypic Feature (HPO)"),
    ("6.2.2", "Phenotypic Feature Status"),
)

HEADER = [f"{ordinal} {name}" for ordinal, name in COLUMNS]


def _joined(values: Iterable[object]) -> str:
    return SEPARATOR.join("" if v is None else str(v) for v in values)


def row(record: FhirRecord) -> list[str]:
    """One patient's row, in the order of ``COLUMNS``."""
    conditions, variants, features = record.conditions, record.variants, record.phenotypes
    return [
        record.pseudonym,
        "" if record.birth_year is None else str(record.birth_year),
        record.gender.value,
        "" if record.deceased is None else ("yes" if record.deceased else "no"),
        _joined(f"{c.system}:{c.code}" for c in conditions),
        _joined(c.verification.value[0] for c in conditions),
        _joined(getattr(c.onset, "months", "") for c in conditions),
        _joined(c.verification.value[1] or "" for c in conditions),
        _joined(v.hgvs for v in variants),
        _joined(v.protein_hgvs for v in variants),
        _joined(v.hgnc_id or v.gene_symbol for v in variants),
        _joined(v.zygosity.value[1] if v.zygosity else "" for v in variants),
        _joined(v.significance.value[1] if v.significance else "" for v in variants),
        _joined(p.hpo_id for p in features),
        _joined("excluded" if p.excluded else "present" for p in features),
    ]


def rows(records: Iterable[FhirRecord]) -> list[list[str]]:
    return [row(record) for record in records]
