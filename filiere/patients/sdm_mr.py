"""From the registry to the national minimum dataset (SDM-MR 2024.01): the adapter.

Reads patients in batches (a fixed number of queries per batch, whatever the batch size) and
fills the pure ``filiere.exports.sdm_mr`` dataclasses; the writer does the rest. Patients who
oppose reuse in the national database are never exported.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from filiere.exports import sdm_mr as x
from filiere.identity.models import Identity
from filiere.network.models import Centre, Membership, Role
from filiere.patients.activities import NationalActivity, activities_by_patient
from filiere.patients.models import CareEpisode, Consent, Diagnosis, GeneticFinding, Patient
from filiere.patients.selectors import latest_consents, opposes_national_reuse

# A stable namespace: the same patient exported twice keeps the same document set id.
_SET_NAMESPACE = uuid.UUID("6a1f3e0c-3b7e-4d0a-9a55-2f6d0c1b7e11")
_STATUS = {
    "ongoing": x.DiagnosticStatus.ONGOING,
    "equivocal": x.DiagnosticStatus.EQUIVOCAL,
    "confirmed": x.DiagnosticStatus.CONFIRMED,
    "healthy_carrier": x.DiagnosticStatus.HEALTHY_CARRIER,
    "refuted": x.DiagnosticStatus.REFUTED,
}
_IDENTITY_STATUS = {
    "provisional": x.IdentityStatus.PROVISIONAL,
    "recovered": x.IdentityStatus.RECOVERED,
    "validated": x.IdentityStatus.VALIDATED,
    "qualified": x.IdentityStatus.QUALIFIED,
}
_CONSANGUINITY = {
    "yes": x.Consanguinity.YES,
    "no": x.Consanguinity.NO,
    "unknown": x.Consanguinity.UNKNOWN,
}


@dataclass(frozen=True)
class ExportSummary:
    written: int
    opposed: int
    without_diagnosis: int


@dataclass(frozen=True)
class Incomplete:
    """Why a patient's document cannot be written (a French message naming the item)."""

    reason: str


def exportable_patients(
    *, centre: Centre | None = None, since: dt.date | None = None
) -> QuerySet[Patient]:
    patients = Patient.objects.filter(merged_into__isnull=True)
    if centre is not None:
        patients = patients.filter(care_episodes__centre=centre).distinct()
    if since is not None:
        patients = patients.filter(updated_at__date__gte=since)
    return patients.order_by("pk")


def _partial(year: int | None, month: int | None, day: int | None) -> x.PartialDate | None:
    return None if year is None else x.PartialDate(year, month, day)


def _centre(centre: Centre) -> x.Centre:
    return x.Centre(name=centre.name, finess=centre.finess, site_code=centre.rd_site_code or "")


def _clinician(user: Any, fallback: Centre) -> x.Clinician:
    if user is None:
        return x.Clinician(family_name=str(fallback), given_name="Équipe")
    return x.Clinician(
        family_name=user.last_name, given_name=user.first_name, rpps=user.rpps or None
    )


def _age(category: str, years: int | None, months: int | None) -> x.AgeAt | None:
    if not category:
        return None
    period = x.AgePeriod.from_code(category)
    if period is not x.AgePeriod.LIFETIME:
        return x.AgeAt(period)
    return x.AgeAt(period, years, months)


def _term(code: str, orpha_names: dict[int, str], icd10_names: dict[str, str]) -> x.Term | None:
    from filiere.nomenclature.hpo import hpo_term

    if code.startswith("HP:"):
        term = hpo_term(code)
        return x.Term.hpo(code, term.name) if term else None
    if code.startswith("ORPHA:"):
        number = int(code.split(":", 1)[1])
        return x.Term.orpha_group(str(number), orpha_names.get(number, f"ORPHA:{number}"))
    if code.startswith("ICD10:"):
        icd = code.split(":", 1)[1]
        return x.Term.icd10(icd, icd10_names.get(icd, icd))
    return None


def _diagnosis(
    diagnosis: Diagnosis, orpha_names: dict[int, str], icd10_names: dict[str, str]
) -> x.Diagnosis:
    if diagnosis.orpha is not None:
        disease = x.Term.orpha(
            str(diagnosis.orpha.code), diagnosis.orpha.name_fr or diagnosis.orpha.name_en
        )
    elif diagnosis.icd10 is not None:
        disease = x.Term.icd10(diagnosis.icd10.code, diagnosis.icd10.label)
    else:  # pragma: no cover - a database constraint forbids it
        disease = None
    descriptions = tuple(
        t for t in (_term(c, orpha_names, icd10_names) for c in diagnosis.clinical_description) if t
    )
    return x.Diagnosis(
        id=diagnosis.public_id,
        status=_STATUS[diagnosis.status],
        disease=disease,
        date=_partial(diagnosis.diagnosis_year, diagnosis.diagnosis_month, diagnosis.diagnosis_day),
        site=_centre(diagnosis.centre),
        clinical_descriptions=descriptions,
        sporadic_or_familial=x.SporadicOrFamilial.from_code(diagnosis.inheritance)
        if diagnosis.inheritance
        else None,
        age_at_first_signs=_age(
            diagnosis.onset_category, diagnosis.onset_years, diagnosis.onset_months
        ),
        age_at_clinical_diagnosis=_age(
            diagnosis.clinical_dx_category,
            diagnosis.clinical_dx_years,
            diagnosis.clinical_dx_months,
        ),
        age_at_genetic_diagnosis=_age(
            diagnosis.genetic_dx_category, diagnosis.genetic_dx_years, diagnosis.genetic_dx_months
        ),
        appraisal_on_arrival=(
            x.DiagnosisAppraisal.from_code(diagnosis.appraisal_on_arrival)
            if diagnosis.appraisal_on_arrival
            else None
        ),
        genetic_techniques=tuple(
            x.GeneticTechnique.from_code(c) for c in diagnosis.genetic_techniques
        ),
        genes=tuple(x.Gene(g.symbol, g.hgnc_id or None) for g in diagnosis.genes.all()),
        other_genetic_description=diagnosis.genetics_text or None,
        comment=diagnosis.comment or None,
    )


def _identity(identity: Identity | None) -> x.Identity | None:
    if identity is None:
        return None
    ins = None
    if identity.ins_matricule and identity.ins_oid:
        ins = x.Ins(identity.ins_matricule, x.InsOid(identity.ins_oid))
    return x.Identity(
        birth_name=identity.birth_name,
        birth_first_names=identity.birth_first_names or None,
        first_given_name=identity.first_given_name or None,
        used_name=identity.used_name or None,
        used_first_name=identity.used_first_name or None,
        birth_date=x.PartialDate(
            identity.birth_date.year, identity.birth_date.month, identity.birth_date.day
        ),
        sex=x.Sex.from_code(identity.sex),
        birth_place_insee=identity.birth_place_insee or None,
        ins=ins,
        status=_IDENTITY_STATUS[identity.status],
        multiple_birth=identity.multiple_birth,
    )


def _batches(patients: QuerySet[Patient], size: int) -> Iterator[list[Patient]]:
    ids = list(patients.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield list(
            Patient.objects.filter(pk__in=chunk)
            .order_by("pk")
            .prefetch_related(
                Prefetch(
                    "care_episodes",
                    queryset=CareEpisode.objects.select_related(
                        "centre", "referring_physician"
                    ).order_by("inclusion_year", "inclusion_month", "inclusion_day", "pk"),
                ),
                Prefetch(
                    "diagnoses",
                    queryset=Diagnosis.objects.current()
                    .select_related("orpha", "icd10", "centre")
                    .prefetch_related("genes"),
                ),
                Prefetch(
                    "genetic_findings",
                    queryset=GeneticFinding.objects.current()
                    .filter(is_index_case=False)
                    .select_related("index_case"),
                ),
                Prefetch("consents", queryset=Consent.objects.current()),
            )
        )


def documents(
    patients: QuerySet[Patient],
    *,
    custodian: Centre | None = None,
    batch_size: int = 500,
    created_at: dt.datetime | None = None,
) -> Iterator[tuple[Patient, x.SdmMrDocument | Incomplete | None]]:
    """Yield (patient, document): None for a patient who opposed national reuse, Incomplete
    when the record lacks an item the national dataset requires."""
    from filiere.nomenclature.models import Icd10Code, OrphaConcept

    now = created_at or timezone.now()
    idmr_root = str(getattr(settings, "IDMR_OID", ""))
    coordinators: dict[int, Any] = {}
    for membership in Membership.objects.filter(role=Role.CENTRE_COORDINATOR).select_related(
        "user"
    ):
        coordinators.setdefault(membership.centre_id, membership.user)
    for batch in _batches(patients, batch_size):
        identities = {
            i.link: i for i in Identity.objects.filter(link__in=[p.identity_link for p in batch])
        }
        activities = activities_by_patient([p.pk for p in batch])
        described = {c for p in batch for d in p.diagnoses.all() for c in d.clinical_description}
        orpha_names = {
            c.code: c.name
            for c in OrphaConcept.objects.filter(
                code__in=[int(c.split(":")[1]) for c in described if c.startswith("ORPHA:")]
            )
        }
        icd10_names = {
            c.code: c.label
            for c in Icd10Code.objects.filter(
                code__in=[c.split(":")[1] for c in described if c.startswith("ICD10:")]
            )
        }
        for patient in batch:
            consents = latest_consents(patient.consents.all())
            if opposes_national_reuse(consents):
                yield patient, None
                continue
            try:
                document: x.SdmMrDocument | Incomplete = _document(
                    patient,
                    identities.get(patient.identity_link),
                    consents,
                    custodian,
                    now,
                    orpha_names,
                    icd10_names,
                    idmr_root,
                    coordinators,
                    activities.get(patient.pk, []),
                )
            except ValueError as exc:
                document = Incomplete(str(exc))
            yield patient, document


def _document(
    patient: Patient,
    identity: Identity | None,
    consents: dict[str, Consent],
    custodian: Centre | None,
    now: dt.datetime,
    orpha_names: dict[int, str],
    icd10_names: dict[str, str],
    idmr_root: str,
    coordinators: dict[int, Any],
    activities: list[NationalActivity],
) -> x.SdmMrDocument:
    episodes = list(patient.care_episodes.all())
    open_episodes = [e for e in episodes if e.ended_on is None] or episodes
    main = next(
        (e for e in open_episodes if custodian is not None and e.centre_id == custodian.pk),
        open_episodes[0],
    )
    centre = custodian or main.centre
    author = _clinician(main.referring_physician or coordinators.get(centre.pk), centre)

    def answer(kind: str) -> bool | None:
        consent = consents.get(kind)
        return None if consent is None else consent.answer

    record = _record(patient, idmr_root)
    care = _care_episodes(episodes, coordinators)
    index_case = _index_case(patient)
    return x.SdmMrDocument(
        document_id=uuid.uuid4(),
        set_id=uuid.uuid5(_SET_NAMESPACE, str(patient.public_id)),
        version=1,
        created_at=now,
        author=author,
        centre=_centre(centre),
        record=record,
        identity=_identity(identity),
        care_episodes=care,
        activities=tuple(
            x.Activity(
                id=a.id,
                date=a.date,
                performer=_clinician(coordinators.get(a.centre.pk), a.centre),
                site=_centre(a.centre),
                context=x.ActivityContext.from_code(a.context_code),
                objectives=tuple(x.ActivityObjective.from_code(c) for c in a.objective_codes),
            )
            for a in activities
        ),
        diagnoses=tuple(_diagnosis(d, orpha_names, icd10_names) for d in patient.diagnoses.all()),
        index_case=index_case,
        research=x.Research(
            agrees_to_be_contacted=answer(Consent.Kind.RESEARCH_CONTACT),
            sample_for_research=answer(Consent.Kind.RESEARCH_SAMPLE),
            sample_for_molecular_diagnosis=answer(Consent.Kind.DIAGNOSTIC_SAMPLE),
            biobanks=patient.biobanks or None,
        ),
    )


def _record(patient: Patient, idmr_root: str) -> x.PatientRecord:
    """The patient's record: file id, dates, vital status, consanguinity, IdMR."""
    return x.PatientRecord(
        rd_file_id=patient.public_id,
        created_on=timezone.localtime(patient.created_at).date(),
        updated_at=patient.updated_at,
        vital_status=x.VitalStatus(
            deceased=patient.vital_status == Patient.VitalStatus.DECEASED,
            death_date=_partial(patient.death_year, patient.death_month, patient.death_day),
            death_due_to_rare_disease=patient.death_due_to_rare_disease,
            lost_to_follow_up=patient.vital_status == Patient.VitalStatus.LOST,
        ),
        consanguinity=_CONSANGUINITY[patient.consanguinity],
        idmr=x.ExternalId(idmr_root, patient.idmr) if patient.idmr and idmr_root else None,
    )


def _care_episodes(
    episodes: list[CareEpisode], coordinators: dict[int, Any]
) -> tuple[x.CareEpisode, ...]:
    """One care episode per centre that follows or followed the patient."""
    return tuple(
        x.CareEpisode(
            id=e.public_id,
            site=_centre(e.centre),
            inclusion_date=_partial(e.inclusion_year, e.inclusion_month, e.inclusion_day),
            referring_physician=_clinician(
                e.referring_physician or coordinators.get(e.centre_id), e.centre
            ),
            referred_by=tuple(x.ReferredBy.from_code(code) for code in e.referred_by),
            outside_labelled_scope=e.outside_labelled_scope,
        )
        for e in episodes
    )


def _index_case(patient: Patient) -> x.FamilyIndexCase | None:
    """The family's index case when a genetic finding names one, with its ORPHA diagnoses."""
    relatives = [
        f for f in patient.genetic_findings.all() if f.index_case is not None and f.kinship
    ]
    if not relatives:
        return None
    finding = relatives[0]
    assert finding.index_case is not None  # noqa: S101 - filtered above
    return x.FamilyIndexCase(
        id=finding.index_case.public_id,
        kinship=x.Kinship.from_code(finding.kinship),
        sex=x.Sex.from_code(finding.index_case.sex),
        diseases=tuple(
            x.Term.orpha(str(d.orpha.code), d.orpha.name)
            for d in finding.index_case.diagnoses.current().select_related("orpha")
            if d.orpha is not None
        ),
    )
