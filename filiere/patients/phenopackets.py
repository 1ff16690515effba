"""From the registry to GA4GH Phenopackets v2: the adapter.

Reads patients in batches (a fixed number of queries per batch) and fills the pure
``filiere.exports.phenopackets`` dataclasses; the writer does the rest. No identity trait is
read: the subject is the pseudonym and ages come from the year and month of birth the registry
keeps (``age_by_month_on``).

Opposition: the registry records one opposition to the reuse of the data, the BNDMR one
(``opposes_national_reuse``), and no separate consent to research reuse (``research_contact``
is an agreement to be contacted, ``research_sample`` concerns samples). A research export is a
reuse of the data, so a patient who opposed reuse is left out here too: the same single rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from filiere.exports import phenopackets as x
from filiere.nomenclature.models import NomenclatureRelease
from filiere.patients.models import (
    AgeCategory,
    Consent,
    Diagnosis,
    DiagnosisStatus,
    GeneticFinding,
    Patient,
    PhenotypeObservation,
)
from filiere.patients.selectors import age_by_month_on, latest_consents, opposes_national_reuse

_VITAL_STATUS = {
    Patient.VitalStatus.ALIVE: x.VitalStatus.ALIVE,
    Patient.VitalStatus.DECEASED: x.VitalStatus.DECEASED,
}
# Registry age categories with an HPO onset term; "during life" carries an age instead.
_ONSET_CATEGORY = {
    AgeCategory.ANTENATAL: x.Onset.ANTENATAL,
    AgeCategory.NEONATAL: x.Onset.NEONATAL,
}
# Resource ids, names and IRIs as the Phenopacket documentation lists them.
_RESOURCES = {
    "HP": (
        NomenclatureRelease.System.HPO,
        "hp",
        "human phenotype ontology",
        "http://purl.obolibrary.org/obo/hp.owl",
        "http://purl.obolibrary.org/obo/HP_",
    ),
    "ORPHA": (
        NomenclatureRelease.System.ORPHA,
        "ordo",
        "Orphanet Rare Disease Ontology",
        "http://www.orphadata.org/data/ORDO/ordo_orphanet.owl",
        "http://www.orpha.net/ORDO/Orphanet_",
    ),
    "HGNC": (
        NomenclatureRelease.System.HGNC,
        "hgnc",
        "HUGO Gene Nomenclature Committee",
        "https://www.genenames.org",
        "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/",
    ),
    "ICD10": (
        NomenclatureRelease.System.ICD10,
        "icd10",
        "ICD-10",
        "https://icd.who.int/browse10",
        "https://icd.who.int/browse10/2019/en#/",
    ),
}
# The five GENO allelic states are written in the code (no GENO release is imported).
_GENO = x.Resource(
    id="geno",
    name="Genotype Ontology",
    url="http://purl.obolibrary.org/obo/geno.owl",
    version="",
    namespace_prefix="GENO",
    iri_prefix="http://purl.obolibrary.org/obo/GENO_",
)


# Modules that record treatments register a source in their ``AppConfig.ready()`` (as for the
# national activities): patient ids in, their medical actions out, in one or a few queries.
TreatmentSource = Callable[[list[int]], dict[int, list[x.TreatmentEntry]]]
_treatment_sources: list[TreatmentSource] = []


def register_treatment_source(source: TreatmentSource) -> None:
    if source not in _treatment_sources:
        _treatment_sources.append(source)


def _treatments_by_patient(patient_ids: list[int]) -> dict[int, list[x.TreatmentEntry]]:
    found: dict[int, list[x.TreatmentEntry]] = {}
    for source in _treatment_sources:
        for patient_id, entries in source(patient_ids).items():
            found.setdefault(patient_id, []).extend(entries)
    return found


# Treatments name their drug in the WHO ATC classification (imported without a version).
_ATC = x.Resource(
    id="atc",
    name="Anatomical Therapeutic Chemical Classification",
    url="https://www.whocc.no/atc_ddd_index/",
    version="",
    namespace_prefix="ATC",
    iri_prefix="https://www.whocc.no/atc_ddd_index/?code=",
)


def released_versions() -> dict[str, str]:
    """Return, per nomenclature, the version of its latest recorded import."""
    versions: dict[str, str] = {}
    for system, version in NomenclatureRelease.objects.order_by("-imported_at", "-pk").values_list(
        "system", "version"
    ):
        versions.setdefault(system, version)
    return versions


def _resources(prefixes: set[str], versions: dict[str, str]) -> tuple[x.Resource, ...]:
    resources = []
    for prefix, (system, rid, name, url, iri) in _RESOURCES.items():
        if prefix in prefixes:
            version = versions.get(system, "")
            if not version and system == NomenclatureRelease.System.HPO:
                # The HPO terms were checked against the ontology hpo3 ships with.
                from filiere.nomenclature.hpo import hpo_version

                version = hpo_version()
            resources.append(x.Resource(rid, name, url, version, prefix, iri))
    if "GENO" in prefixes:
        resources.append(_GENO)
    if "ATC" in prefixes:
        resources.append(_ATC)
    return tuple(resources)


def _onset(diagnosis: Diagnosis) -> x.Onset | x.AgeInMonths | None:
    if diagnosis.onset_category == AgeCategory.DURING_LIFE:
        if diagnosis.onset_years is None and diagnosis.onset_months is None:
            return None
        return x.AgeInMonths(12 * (diagnosis.onset_years or 0) + (diagnosis.onset_months or 0))
    return _ONSET_CATEGORY.get(AgeCategory(diagnosis.onset_category or AgeCategory.UNDETERMINED))


def _disease(diagnosis: Diagnosis) -> x.DiseaseEntry:
    if diagnosis.orpha is not None:
        code, label = f"ORPHA:{diagnosis.orpha.code}", diagnosis.orpha.name
    else:
        assert diagnosis.icd10 is not None  # noqa: S101 - a database constraint requires one
        code, label = f"ICD10:{diagnosis.icd10.code}", diagnosis.icd10.label
    return x.DiseaseEntry(
        id=str(diagnosis.public_id),
        code=code,
        label=label,
        excluded=diagnosis.status == DiagnosisStatus.REFUTED,
        confirmed=diagnosis.status == DiagnosisStatus.CONFIRMED,
        in_progress=diagnosis.status in {DiagnosisStatus.ONGOING, DiagnosisStatus.EQUIVOCAL},
        onset=_onset(diagnosis),
    )


def _hgnc(value: str) -> str:
    if not value:
        return ""
    return value if value.upper().startswith("HGNC:") else f"HGNC:{value}"


def _variant(finding: GeneticFinding) -> x.VariantEntry:
    return x.VariantEntry(
        id=str(finding.public_id),
        gene_symbol=finding.gene.symbol if finding.gene else "",
        hgnc_id=_hgnc(finding.gene.hgnc_id) if finding.gene else "",
        hgvs=finding.hgvs,
        protein_hgvs=finding.protein_hgvs,
        zygosity=x.Zygosity.from_code(finding.zygosity),
        acmg=x.AcmgClass.from_class(finding.acmg_class),
        diagnosis_id=str(finding.diagnosis.public_id) if finding.diagnosis else None,
    )


def _phenotype(observation: PhenotypeObservation) -> x.PhenotypeEntry:
    return x.PhenotypeEntry(
        hpo_id=observation.hpo_id,
        label=observation.hpo_label,
        excluded=observation.excluded,
        onset=x.Onset.from_hpo(observation.onset),
    )


def _age(patient: Patient) -> x.AgeInMonths | None:
    # The last encounter the registry knows: the last change to the record.
    try:
        age = age_by_month_on(patient, timezone.localtime(patient.updated_at).date())
    except ValueError:
        return None
    return x.AgeInMonths(age.months)


def _record(
    patient: Patient,
    versions: dict[str, str],
    created_at: dt.datetime,
    treatments: list[x.TreatmentEntry],
) -> x.PatientRecord:
    diseases = tuple(_disease(d) for d in patient.diagnoses.all())
    variants = tuple(_variant(f) for f in patient.genetic_findings.all())
    phenotypes = tuple(_phenotype(p) for p in patient.phenotypes.all())
    prefixes = {d.code.split(":", 1)[0] for d in diseases}
    if phenotypes or any(isinstance(d.onset, x.Onset) for d in diseases):
        prefixes.add("HP")
    if variants:
        prefixes.add("GENO")
    if treatments:
        prefixes.add("ATC")
        prefixes |= {t.target[0].split(":", 1)[0] for t in treatments if t.target}
    if any(v.gene_symbol for v in variants):
        prefixes.add("HGNC")
    return x.PatientRecord(
        pseudonym=patient.pseudonym,
        sex=x.Sex.from_code(patient.sex),
        age_at_last_encounter=_age(patient),
        vital_status=_VITAL_STATUS.get(
            Patient.VitalStatus(patient.vital_status), x.VitalStatus.UNKNOWN
        ),
        phenotypes=phenotypes,
        diseases=diseases,
        variants=variants,
        resources=_resources(prefixes, versions),
        created_at=created_at,
        treatments=tuple(treatments),
    )


def _batches(patients: QuerySet[Patient], size: int) -> Iterator[list[Patient]]:
    ids = list(patients.values_list("pk", flat=True))
    prefetches: list[Prefetch[Any]] = [
        Prefetch(
            "diagnoses", queryset=Diagnosis.objects.current().select_related("orpha", "icd10")
        ),
        Prefetch(
            "genetic_findings",
            queryset=GeneticFinding.objects.current().select_related("gene", "diagnosis"),
        ),
        Prefetch("phenotypes", queryset=PhenotypeObservation.objects.current()),
        Prefetch("consents", queryset=Consent.objects.current()),
    ]
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield list(
            Patient.objects.filter(pk__in=chunk).order_by("pk").prefetch_related(*prefetches)
        )


def phenopacket_records(
    patients: QuerySet[Patient], *, batch_size: int = 500, created_at: dt.datetime | None = None
) -> Iterator[tuple[Patient, x.PatientRecord | None]]:
    """Yield (patient, record): None for a patient who opposed the reuse of their data."""
    now = created_at or timezone.now()
    versions = released_versions()
    for batch in _batches(patients, batch_size):
        treatments = _treatments_by_patient([p.pk for p in batch])
        for patient in batch:
            if opposes_national_reuse(latest_consents(patient.consents.all())):
                yield patient, None
                continue
            yield patient, _record(patient, versions, now, treatments.get(patient.pk, []))
