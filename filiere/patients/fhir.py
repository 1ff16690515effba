"""From the registry to HL7 FHIR R4B: the adapter.

Reads patients in batches (the Phenopackets export's batches and treatment sources: the same
queries, the same follow-up hook) and fills the pure ``filiere.exports.fhir`` dataclasses; the
writer does the rest. No identity trait is read: the subject is the pseudonym, the birth year
comes from the registry's year of birth, and only when the Phenopackets export gives an age.

Opposition: as for Phenopackets, a patient who opposed the reuse of their data (the BNDMR
opposition, the registry's only reuse opposition) is left out.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet

from filiere.exports import fhir as f
from filiere.exports import phenopackets as x
from filiere.patients.models import (
    AgeCategory,
    Consent,
    Diagnosis,
    GeneticFinding,
    Patient,
    PhenotypeObservation,
    PlateletWorkup,
)
from filiere.patients.phenopackets import _age, _batches, _treatments_by_patient
from filiere.patients.selectors import latest_consents, opposes_national_reuse

_ONSET_TERM = {
    AgeCategory.ANTENATAL: f.OnsetTerm(*x.Onset.ANTENATAL.value),
    AgeCategory.NEONATAL: f.OnsetTerm(*x.Onset.NEONATAL.value),
}
# Consent kind → (scope, a research consent, an opposition).
_CONSENTS = {
    Consent.Kind.BNDMR_OPPOSITION: (f.ConsentScope.PRIVACY, False, True),
    Consent.Kind.ERN_REGISTRY: (f.ConsentScope.PRIVACY, False, False),
    Consent.Kind.RESEARCH_CONTACT: (f.ConsentScope.RESEARCH, True, False),
    Consent.Kind.RESEARCH_SAMPLE: (f.ConsentScope.RESEARCH, True, False),
    Consent.Kind.DIAGNOSTIC_SAMPLE: (f.ConsentScope.TREATMENT, False, False),
}


def _onset(diagnosis: Diagnosis) -> f.AgeInMonths | f.OnsetTerm | None:
    if diagnosis.onset_category == AgeCategory.DURING_LIFE:
        if diagnosis.onset_years is None and diagnosis.onset_months is None:
            return None
        return f.AgeInMonths(12 * (diagnosis.onset_years or 0) + (diagnosis.onset_months or 0))
    return _ONSET_TERM.get(AgeCategory(diagnosis.onset_category or AgeCategory.UNDETERMINED))


def _condition(diagnosis: Diagnosis) -> f.ConditionEntry:
    if diagnosis.orpha is not None:
        system, code, label = "ORPHA", str(diagnosis.orpha.code), diagnosis.orpha.name
    else:
        assert diagnosis.icd10 is not None  # noqa: S101 - a database constraint requires one
        system, code, label = "ICD10", str(diagnosis.icd10.code), diagnosis.icd10.label
    return f.ConditionEntry(
        id=str(diagnosis.public_id),
        system=system,
        code=code,
        label=label,
        verification=f.Verification.from_status(diagnosis.status),
        onset=_onset(diagnosis),
    )


def _hgnc(value: str) -> str:
    if not value:
        return ""
    return value if value.upper().startswith("HGNC:") else f"HGNC:{value}"


def _variant(finding: GeneticFinding) -> f.VariantEntry:
    return f.VariantEntry(
        id=str(finding.public_id),
        gene_symbol=finding.gene.symbol if finding.gene else "",
        hgnc_id=_hgnc(finding.gene.hgnc_id) if finding.gene else "",
        hgvs=finding.hgvs,
        protein_hgvs=finding.protein_hgvs,
        zygosity=f.Zygosity.from_code(finding.zygosity),
        significance=f.Significance.from_class(finding.acmg_class),
        condition_id=str(finding.diagnosis.public_id) if finding.diagnosis else None,
    )


def _phenotype(observation: PhenotypeObservation) -> f.PhenotypeEntry:
    onset = x.Onset.from_hpo(observation.onset)
    return f.PhenotypeEntry(
        id=str(observation.public_id),
        hpo_id=observation.hpo_id,
        label=observation.hpo_label,
        excluded=observation.excluded,
        onset=f.OnsetTerm(*onset.value) if onset is not None else None,
    )


def _consents(consents: list[Consent]) -> tuple[f.ConsentEntry, ...]:
    in_force = {c.pk for c in latest_consents(consents).values()}
    entries = []
    for consent in sorted(consents, key=lambda c: (c.kind, c.answered_on, c.recorded_at)):
        scope, research, opt_out = _CONSENTS[Consent.Kind(consent.kind)]
        entries.append(
            f.ConsentEntry(
                id=str(consent.public_id),
                label=str(Consent.Kind(consent.kind).label),
                scope=scope,
                research=research,
                opt_out=opt_out,
                answer=consent.answer,
                answered_on=consent.answered_on.isoformat(),
                latest=consent.pk in in_force,
            )
        )
    return tuple(entries)


def _labs(workups: list[PlateletWorkup]) -> tuple[f.LabEntry, ...]:
    labs = []
    for workup in sorted(workups, key=lambda w: (w.sampled_on, w.pk)):
        for lab, value in (
            (f.Lab.PLATELET_COUNT, workup.platelet_count),
            (f.Lab.MEAN_PLATELET_VOLUME, workup.mean_platelet_volume),
        ):
            if value is not None:
                labs.append(f.LabEntry(str(workup.public_id), lab, float(value)))
    return tuple(labs)


def _medication(entry: x.TreatmentEntry) -> f.MedicationEntry:
    return f.MedicationEntry(
        id=entry.id, atc_code=entry.atc_code, label=entry.label, target=entry.target
    )


def _workups_by_patient(patient_ids: list[int]) -> dict[int, list[PlateletWorkup]]:
    found: dict[int, list[PlateletWorkup]] = {}
    for workup in PlateletWorkup.objects.current().filter(patient_id__in=patient_ids):
        found.setdefault(workup.patient_id, []).append(workup)
    return found


def fhir_record(
    patient: Patient,
    treatments: list[x.TreatmentEntry],
    workups: dict[int, list[PlateletWorkup]],
) -> f.FhirRecord:
    """Return the patient's record (``patient`` prefetched as ``_batches`` does, or not)."""
    vital = {Patient.VitalStatus.ALIVE: False, Patient.VitalStatus.DECEASED: True}
    return f.FhirRecord(
        key=str(patient.public_id),
        pseudonym=patient.pseudonym,
        pseudonym_system=settings.FHIR_PSEUDONYM_SYSTEM,
        gender=f.Gender.from_code(patient.sex),
        # The year only, and only when the age is known (as in the Phenopackets export).
        birth_year=patient.birth_year if _age(patient) is not None else None,
        deceased=vital.get(Patient.VitalStatus(patient.vital_status)),
        conditions=tuple(_condition(d) for d in patient.diagnoses.all()),
        phenotypes=tuple(_phenotype(p) for p in patient.phenotypes.all()),
        variants=tuple(_variant(v) for v in patient.genetic_findings.all()),
        medications=tuple(_medication(t) for t in treatments),
        consents=_consents(list(patient.consents.all())),
        labs=_labs(workups.get(patient.pk, [])),
    )


def fhir_records(
    patients: QuerySet[Patient], *, batch_size: int = 500
) -> Iterator[tuple[Patient, f.FhirRecord | None]]:
    """Yield (patient, record): None for a patient who opposed the reuse of their data."""
    for batch in _batches(patients, batch_size):
        treatments = _treatments_by_patient([p.pk for p in batch])
        workups = _workups_by_patient([p.pk for p in batch])
        for patient in batch:
            if opposes_national_reuse(latest_consents(patient.consents.all())):
                yield patient, None
                continue
            yield patient, fhir_record(patient, treatments.get(patient.pk, []), workups)


def fhir_record_of(patient: Patient) -> f.FhirRecord | None:
    """Return one patient's record (the API), None when they opposed reuse."""
    for _patient, record in fhir_records(Patient.objects.filter(pk=patient.pk)):
        return record
    return None
