"""Every write to the registry: atomic, validated, audited (identity values never logged)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from filiere.access import Capability, grants_for
from filiere.access.actors import SYSTEM, Actor, acting_user
from filiere.access.patients import may_merge_duplicate, patient_rights
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_list_read, audit_record, audit_record_per_patient
from filiere.clinical import lab_bounds
from filiere.clinical.glanzmann import glanzmann_types_fitting
from filiere.core.models import WITHDRAWAL_FIELDS
from filiere.core.services import create_validated, update_validated
from filiere.identity.models import DuplicateSuspicion, Identity
from filiere.identity.services import (
    IDENTITY_FIELDS,
    INS_NEEDS_REVIEW,
    IdentityInput,
    clean_identity_values,
    duplicate_suspect,
    duplicates_flag,
    identity_create,
    identity_exact_age_on,
    identity_update,
    ins_holder,
)
from filiere.lib.ages import Age
from filiere.lib.hgvs import (
    HgvsError,
    ProteinChange,
    check_cds_length,
    check_protein_length,
    parse_protein_change,
    parse_variant,
)
from filiere.lib.partial_dates import PartialDate
from filiere.lib.pseudonyms import (
    is_pseudonym,
    is_valid_idmr,
    new_pseudonym,
    normalise_pseudonym,
)
from filiere.network.models import Centre
from filiere.nomenclature.hpo import hpo_term, is_phenotypic_abnormality
from filiere.nomenclature.models import Gene, Transcript
from filiere.nomenclature.selectors import (
    UNDIAGNOSED_ORPHA_CODE,
    get_gene,
    get_icd10_code,
    get_orpha_concept,
    parse_orpha_code,
    transcript_of_accession,
    transcript_of_protein,
    transcripts_of_gene,
)
from filiere.patients.hooks import care_episodes_changed
from filiere.patients.models import (
    AgeCategory,
    BleedingSite,
    CareEpisode,
    Consent,
    Diagnosis,
    DiagnosisStatus,
    GeneticFinding,
    Patient,
    PhenotypeObservation,
    PlateletWorkup,
    ReferredBy,
)
from filiere.patients.selectors import PatientFilters, age_by_month_on


def _audit(
    actor: Actor,
    action: str,
    obj: Any,
    patient: Patient,
    summary: str = "",
    changes: Any = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=obj,
        patient_id=patient.public_id,
        summary=summary,
        changes=changes,
    )


def _touch(patient: Patient) -> None:
    Patient.objects.filter(pk=patient.pk).update(updated_at=timezone.now())


def _require_centre_right(actor: Actor, centre: Centre, capability: Capability) -> None:
    # The demo generator and imports run without an actor; people need the right at the centre.
    if actor is not SYSTEM and not grants_for(actor).has(capability, centre.pk):
        raise ValidationError({"centre": "Vous n'avez pas ce droit pour ce centre."})


def _check_referred_by(codes: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(codes))
    if not values:
        raise ValidationError({"referred_by": "Indiquez qui a adressé le patient."})
    allowed = set(ReferredBy.values)
    unknown = [c for c in values if c not in allowed]
    if unknown:
        raise ValidationError(
            {"referred_by": f"Valeur(s) hors du jeu national : {', '.join(unknown)}."}
        )
    return values


# --- Patients and identity ---------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    patient: Patient
    duplicates: list[DuplicateSuspicion]


@transaction.atomic
def _ins_attempt_refused(
    *, actor: Actor, holder_link: uuid.UUID, patient: Patient | None, what: str
) -> None:
    """Record a refused INS (it is another record's): the attempt in the audit trail, and, when
    the user's own record exists, the suspected duplicate for the data managers."""
    holder = Patient.objects.filter(identity_link=holder_link).first()
    changes: dict[str, Any] = {}
    if patient is not None:
        suspicion = duplicate_suspect(
            patient.identity_link, holder_link, DuplicateSuspicion.Reason.SAME_INS
        )
        changes["doublon_potentiel"] = str(suspicion.public_id)
    if holder is not None:
        changes["dossier_détenteur"] = str(holder.public_id)
    target = patient or holder
    audit_record(
        actor=actor,
        action=AuditEvent.Action.REFUSED,
        obj=target,
        patient_id=target.public_id if target is not None else None,
        summary=f"{what} : matricule INS déjà enregistré, renvoyé au gestionnaire de données",
        changes=changes,
    )


def patient_register(
    *,
    actor: Actor,
    centre: Centre,
    identity: IdentityInput,
    inclusion_date: PartialDate,
    referred_by: Iterable[str] = (ReferredBy.OTHER_SPECIALIST,),
    referring_physician: User | None = None,
    outside_labelled_scope: bool = False,
    idmr: str = "",
) -> Registration:
    """Register a patient followed by ``centre``: pseudonymised record, identity kept apart.

    Suspected duplicates (same INS, or same traits) are flagged for a data manager, never merged.
    An INS already held by another record is refused without saying so (see ``INS_NEEDS_REVIEW``).
    """
    _require_centre_right(actor, centre, Capability.EDIT_PATIENTS)
    holder = ins_holder(clean_identity_values(identity.as_dict()))
    if holder is not None:
        _ins_attempt_refused(actor=actor, holder_link=holder, patient=None, what="Inclusion")
        raise ValidationError({"ins_matricule": INS_NEEDS_REVIEW})
    return _patient_register(
        actor=actor,
        centre=centre,
        identity=identity,
        inclusion_date=inclusion_date,
        referred_by=referred_by,
        referring_physician=referring_physician,
        outside_labelled_scope=outside_labelled_scope,
        idmr=idmr,
    )


@transaction.atomic
def _patient_register(
    *,
    actor: Actor,
    centre: Centre,
    identity: IdentityInput,
    inclusion_date: PartialDate,
    referred_by: Iterable[str],
    referring_physician: User | None,
    outside_labelled_scope: bool,
    idmr: str,
) -> Registration:
    if idmr and not is_valid_idmr(idmr):
        raise ValidationError({"idmr": "L'IdMR compte 20 chiffres."})
    if inclusion_date.earliest() > timezone.localdate():
        raise ValidationError({"inclusion_date": "La date d'inclusion est dans le futur."})
    if inclusion_date.latest() < identity.birth_date:
        raise ValidationError({"inclusion_date": "La date d'inclusion précède la naissance."})
    pseudonym = new_pseudonym()
    while Patient.objects.filter(pseudonym=pseudonym).exists():
        pseudonym = new_pseudonym()
    patient = create_validated(
        Patient,
        pseudonym=pseudonym,
        idmr=idmr,
        sex=identity.sex,
        birth_year=identity.birth_date.year,
        birth_month=identity.birth_date.month,
        created_by=acting_user(actor),
    )
    record = identity_create(actor=actor, link=patient.identity_link, values=identity)
    episode = create_validated(
        CareEpisode,
        patient=patient,
        centre=centre,
        inclusion_year=inclusion_date.year,
        inclusion_month=inclusion_date.month,
        inclusion_day=inclusion_date.day,
        referring_physician=referring_physician,
        referred_by=_check_referred_by(referred_by),
        outside_labelled_scope=outside_labelled_scope,
    )
    care_episodes_changed([patient.pk])
    duplicates = duplicates_flag(record)
    _audit(
        actor,
        AuditEvent.Action.CREATE,
        patient,
        patient,
        summary=f"Patient {patient.pseudonym} inclus par {centre}",
        changes={"identité": sorted(IDENTITY_FIELDS), "centre": str(centre.public_id)},
    )
    _audit(actor, AuditEvent.Action.CREATE, episode, patient, summary=f"Prise en charge {centre}")
    if duplicates:
        _audit(
            actor,
            AuditEvent.Action.CREATE,
            duplicates[0],
            patient,
            summary=f"{len(duplicates)} doublon(s) potentiel(s) signalé(s)",
        )
    return Registration(patient, duplicates)


def patient_update_identity(*, actor: Actor, patient: Patient, values: dict[str, Any]) -> list[str]:
    """Change identity traits; the audit trail records which traits changed, not their values.

    An INS already held by another record is refused without saying so: the pair goes to the
    data managers as a suspected duplicate, and the attempt to the audit trail.
    """
    current = Identity.objects.get(link=patient.identity_link)
    merged = {name: getattr(current, name) for name in IDENTITY_FIELDS} | values
    holder = ins_holder(clean_identity_values(merged), exclude_link=patient.identity_link)
    if holder is not None:
        _ins_attempt_refused(
            actor=actor, holder_link=holder, patient=patient, what="Traits d'identité"
        )
        raise ValidationError({"ins_matricule": INS_NEEDS_REVIEW})
    return _patient_update_identity(actor=actor, patient=patient, values=values)


@transaction.atomic
def _patient_update_identity(
    *, actor: Actor, patient: Patient, values: dict[str, Any]
) -> list[str]:
    identity = Identity.objects.select_for_update().get(link=patient.identity_link)
    changed = identity_update(identity=identity, values=values)
    if not changed:
        return []
    derived = {
        "sex": identity.sex,
        "birth_year": identity.birth_date.year,
        "birth_month": identity.birth_date.month,
    }
    update_validated(patient, derived | {"updated_at": timezone.now()})
    duplicates_flag(identity)
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        patient,
        patient,
        summary="Traits d'identité modifiés",
        changes=dict.fromkeys(changed, "‹masqué›"),
    )
    return changed


@transaction.atomic
def patient_update_status(
    *,
    actor: Actor,
    patient: Patient,
    vital_status: str,
    death_date: PartialDate | None = None,
    death_due_to_rare_disease: bool | None = None,
    consanguinity: str | None = None,
    idmr: str | None = None,
    biobanks: str | None = None,
) -> dict[str, Any]:
    """Record the vital status (with a death date when deceased) and registry-level items."""
    errors: dict[str, str] = {}
    if vital_status == Patient.VitalStatus.DECEASED:
        if death_date is None:
            errors["death_date"] = "La date du décès est obligatoire pour un patient décédé."
        else:
            if death_date.earliest() > timezone.localdate():
                errors["death_date"] = "La date du décès est dans le futur."
            if death_date.latest() < patient.birth.earliest():
                errors["death_date"] = "La date du décès précède la naissance."
            for diagnosis in patient.diagnoses.current():
                known = diagnosis.diagnosis_date
                if known is not None and death_date.is_surely_before(known):
                    errors["death_date"] = (
                        f"La date du décès précède le diagnostic du {known.french()}."
                    )
    elif death_date is not None or death_due_to_rare_disease is not None:
        errors["death_date"] = "Une date ou une cause de décès exige le statut « décédé »."
    if idmr and not is_valid_idmr(idmr):
        errors["idmr"] = "L'IdMR compte 20 chiffres."
    if errors:
        raise ValidationError(errors)
    values: dict[str, Any] = {
        "vital_status": vital_status,
        "death_year": death_date.year if death_date else None,
        "death_month": death_date.month if death_date else None,
        "death_day": death_date.day if death_date else None,
        "death_due_to_rare_disease": death_due_to_rare_disease,
    }
    if consanguinity is not None:
        values["consanguinity"] = consanguinity
    if idmr is not None:
        values["idmr"] = idmr
    if biobanks is not None:
        values["biobanks"] = biobanks
    try:
        with transaction.atomic():
            changes = update_validated(patient, values)
    except IntegrityError as exc:
        raise ValidationError({"idmr": "Cet IdMR est déjà celui d'un autre patient."}) from exc
    if changes:
        _touch(patient)
        _audit(actor, AuditEvent.Action.UPDATE, patient, patient, changes=changes)
    return changes


# --- Care episodes and consents -----------------------------------------------------------


@transaction.atomic
def care_episode_open(
    *,
    actor: Actor,
    patient: Patient,
    centre: Centre,
    inclusion_date: PartialDate,
    referred_by: Iterable[str],
    referring_physician: User | None = None,
    outside_labelled_scope: bool = False,
) -> CareEpisode:
    """Start the follow-up of ``patient`` by another centre (which then sees the record)."""
    _require_centre_right(actor, centre, Capability.EDIT_PATIENTS)
    if patient.care_episodes.filter(centre=centre, ended_on__isnull=True).exists():
        raise ValidationError({"centre": "Ce centre suit déjà ce patient."})
    if inclusion_date.latest() < patient.birth.earliest():
        raise ValidationError({"inclusion_date": "La date d'inclusion précède la naissance."})
    episode = create_validated(
        CareEpisode,
        patient=patient,
        centre=centre,
        inclusion_year=inclusion_date.year,
        inclusion_month=inclusion_date.month,
        inclusion_day=inclusion_date.day,
        referring_physician=referring_physician,
        referred_by=_check_referred_by(referred_by),
        outside_labelled_scope=outside_labelled_scope,
    )
    care_episodes_changed([patient.pk])
    _touch(patient)
    _audit(actor, AuditEvent.Action.CREATE, episode, patient, summary=f"Prise en charge {centre}")
    return episode


@transaction.atomic
def care_episode_close(*, actor: Actor, episode: CareEpisode, ended_on: dt.date) -> CareEpisode:
    if ended_on < episode.inclusion_date.earliest():
        raise ValidationError({"ended_on": "La fin de suivi précède l'inclusion."})
    changes = update_validated(episode, {"ended_on": ended_on})
    care_episodes_changed([episode.patient_id])
    _audit(actor, AuditEvent.Action.UPDATE, episode, episode.patient, changes=changes)
    return episode


@transaction.atomic
def consent_record(
    *,
    actor: Actor,
    patient: Patient,
    kind: str,
    answer: bool,
    answered_on: dt.date,
    information_version: str,
) -> Consent:
    """Record an answer of the patient; earlier answers stay, the latest one applies."""
    errors: dict[str, Any] = {}
    _check_patient_date(patient, "answered_on", answered_on, "La date de la réponse", errors)
    if not information_version.strip():
        errors["information_version"] = "Indiquez la version de l'information délivrée."
    if errors:
        raise ValidationError(errors)
    consent = create_validated(
        Consent,
        patient=patient,
        kind=kind,
        answer=answer,
        answered_on=answered_on,
        information_version=information_version.strip(),
        recorded_by=acting_user(actor),
    )
    _touch(patient)
    _audit(
        actor,
        AuditEvent.Action.CREATE,
        consent,
        patient,
        summary=f"{consent.get_kind_display()} : {'oui' if answer else 'non'}",
    )
    return consent


# --- Diagnoses ---------------------------------------------------------------------------

AGE_FIELDS = ("onset", "clinical_dx", "genetic_dx")


def _check_age(prefix: str, values: dict[str, Any], errors: dict[str, str]) -> None:
    category = values.get(f"{prefix}_category")
    years, months = values.get(f"{prefix}_years"), values.get(f"{prefix}_months")
    has_precision = years is not None or months is not None
    if category == AgeCategory.DURING_LIFE and not has_precision:
        errors[f"{prefix}_years"] = "Précisez l'âge (années et/ou mois)."
    if category != AgeCategory.DURING_LIFE and has_precision:
        errors[f"{prefix}_years"] = "Une précision d'âge n'a de sens que « au cours de la vie »."
    if months is not None and months > 11 and years is not None:
        errors[f"{prefix}_months"] = "Au-delà de 11 mois, comptez en années."
    if years is not None and years > 120:
        errors[f"{prefix}_years"] = "Âge invraisemblable."


AGE_LABELS = {
    "onset": "L'âge aux premiers signes",
    "clinical_dx": "L'âge au diagnostic clinique",
    "genetic_dx": "L'âge au diagnostic génétique",
}


def _french_age(months: int) -> str:
    return f"{months} mois" if months < 24 else f"{months // 12} ans"


def _age_limit_in_months(patient: Patient) -> int:
    """The oldest the patient can be today, or at death (the birth day is not known here)."""
    end = timezone.localdate()
    death = patient.death_date
    if death is not None:
        end = min(end, death.latest())
    birth = patient.birth.earliest()
    return (end.year - birth.year) * 12 + end.month - birth.month


def _check_ages_within_life(
    patient: Patient, values: dict[str, Any], errors: dict[str, str]
) -> None:
    # The ages go to the national dataset (SDM-MR): none may exceed the patient's age.
    limit = _age_limit_in_months(patient)
    for prefix, label in AGE_LABELS.items():
        if values.get(f"{prefix}_category") != AgeCategory.DURING_LIFE:
            continue
        years, months = values.get(f"{prefix}_years"), values.get(f"{prefix}_months")
        if years is None and months is None:
            continue
        age = (years or 0) * 12 + (months or 0)
        if age > limit:
            written = f"{years} ans" if years is not None else f"{months} mois"
            if years is not None and months:
                written += f" {months} mois"
            errors.setdefault(
                f"{prefix}_years",
                f"{label} ({written}) dépasse l'âge du patient ({_french_age(limit)}).",
            )


DIAGNOSIS_FIELDS = (
    "status",
    "inheritance",
    "onset_category",
    "onset_years",
    "onset_months",
    "clinical_dx_category",
    "clinical_dx_years",
    "clinical_dx_months",
    "genetic_dx_category",
    "genetic_dx_years",
    "genetic_dx_months",
    "appraisal_on_arrival",
    "genetic_techniques",
    "genetics_text",
    "clinical_description",
    "comment",
    "bleeding_severity",
    "bleeding_sites",
    "transmission",
    "biological_results",
    "genetic_results",
    "diagnostic_delay_months",
)
DEAD_END_FIELDS = (
    "bleeding_severity",
    "bleeding_sites",
    "transmission",
    "biological_results",
    "genetic_results",
    "diagnostic_delay_months",
)
BLEEDING_SITES = tuple(BleedingSite.values)


def _check_clinical_description(codes: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for raw in codes:
        code = raw.strip()
        upper = code.upper()
        if upper.startswith("HP:"):
            if hpo_term(upper) is None:
                raise ValidationError({"clinical_description": f"Terme HPO inconnu : {code}."})
            if not is_phenotypic_abnormality(upper):
                raise ValidationError(
                    {"clinical_description": f"{upper} n'est pas une anomalie phénotypique."}
                )
            cleaned.append(upper)
        elif upper.startswith("ORPHA"):
            cleaned.append(f"ORPHA:{get_orpha_concept(parse_orpha_code(upper)).code}")
        elif upper.startswith(("ICD10:", "CIM10:")):
            cleaned.append(f"ICD10:{get_icd10_code(upper.split(':', 1)[1]).code}")
        else:
            raise ValidationError(
                {"clinical_description": f"« {code} » : attendu HP:…, ORPHA:… ou ICD10:…"}
            )
    return list(dict.fromkeys(cleaned))


def _diagnosis_values(
    patient: Patient,
    values: dict[str, Any],
    diagnosis_date: PartialDate | None,
    orpha_code: int | None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    for prefix in AGE_FIELDS:
        _check_age(prefix, values, errors)
    _check_ages_within_life(patient, values, errors)
    if diagnosis_date is not None:
        if diagnosis_date.latest() < patient.birth.earliest():
            errors["diagnosis_date"] = "Le diagnostic précède la naissance."
        if diagnosis_date.earliest() > timezone.localdate():
            errors["diagnosis_date"] = "La date du diagnostic est dans le futur."
        death = patient.death_date
        if death is not None and death.is_surely_before(diagnosis_date):
            errors["diagnosis_date"] = "Le diagnostic est postérieur au décès."
    techniques = list(values.get("genetic_techniques") or [])
    unknown = [t for t in techniques if t not in Diagnosis.GeneticTechnique.values]
    if unknown:
        errors["genetic_techniques"] = f"Technique(s) hors du jeu national : {', '.join(unknown)}."
    sites = list(values.get("bleeding_sites") or [])
    if any(site not in BLEEDING_SITES for site in sites):
        errors["bleeding_sites"] = "Localisation de saignement inconnue."
    dead_end_filled = any(values.get(name) not in (None, "", []) for name in DEAD_END_FIELDS)
    if dead_end_filled and orpha_code != UNDIAGNOSED_ORPHA_CODE:
        errors["bleeding_severity"] = (
            "Les items d'impasse diagnostique ne concernent que le code ORPHA:616874."
        )
    if orpha_code == UNDIAGNOSED_ORPHA_CODE and values.get("status") != DiagnosisStatus.EQUIVOCAL:
        errors["status"] = "Une impasse diagnostique (ORPHA:616874) a le statut « équivoque »."
    if errors:
        raise ValidationError(errors)
    cleaned = dict(values)
    cleaned["genetic_techniques"] = techniques
    cleaned["bleeding_sites"] = sites
    cleaned["clinical_description"] = _check_clinical_description(
        values.get("clinical_description") or []
    )
    cleaned["diagnosis_year"] = diagnosis_date.year if diagnosis_date else None
    cleaned["diagnosis_month"] = diagnosis_date.month if diagnosis_date else None
    cleaned["diagnosis_day"] = diagnosis_date.day if diagnosis_date else None
    return cleaned


def _resolve_code(orpha_code: str | int | None, icd10_code: str | None) -> dict[str, Any]:
    if bool(orpha_code) == bool(icd10_code):
        raise ValidationError(
            {
                "orpha_code": "Indiquez un code ORPHA, "
                "ou un code CIM-10 pour une maladie complexe non rare."
            }
        )
    if orpha_code:
        try:
            return {"orpha": get_orpha_concept(orpha_code), "icd10": None}
        except ValidationError as exc:
            raise ValidationError({"orpha_code": exc.messages}) from exc
    try:
        return {"orpha": None, "icd10": get_icd10_code(str(icd10_code))}
    except ValidationError as exc:
        raise ValidationError({"icd10_code": exc.messages}) from exc


def _refuse_a_second_diagnosis(patient: Patient, code: dict[str, Any]) -> None:
    """The same disease is recorded once per patient: its status changes, it is not repeated."""
    if code["orpha"] is not None:
        field, label, same = "orpha_code", f"ORPHA:{code['orpha'].code}", {"orpha": code["orpha"]}
    else:
        field, label, same = "icd10_code", f"CIM-10 {code['icd10'].code}", {"icd10": code["icd10"]}
    existing = patient.diagnoses.current().filter(**same).first()
    if existing is not None:
        raise ValidationError(
            {
                field: f"{label} est déjà un diagnostic de ce patient (statut : "
                f"{existing.get_status_display().lower()}) : modifiez ce diagnostic plutôt "
                "que de le saisir à nouveau."
            }
        )


def _genes(symbols: Iterable[str]) -> list[Gene]:
    genes = []
    for symbol in symbols:
        try:
            genes.append(get_gene(symbol))
        except ValidationError as exc:
            raise ValidationError({"genes": exc.messages}) from exc
    return genes


@transaction.atomic
def diagnosis_record(
    *,
    actor: Actor,
    patient: Patient,
    centre: Centre,
    orpha_code: str | int | None = None,
    icd10_code: str | None = None,
    diagnosis_date: PartialDate | None = None,
    genes: Iterable[str] = (),
    **values: Any,
) -> Diagnosis:
    """Record a diagnosis (ORPHA code, or ICD-10 for a complex non-rare disease)."""
    unknown = set(values) - set(DIAGNOSIS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown diagnosis fields: {sorted(unknown)}")
    code = _resolve_code(orpha_code, icd10_code)
    _refuse_a_second_diagnosis(patient, code)
    orpha_number = code["orpha"].code if code["orpha"] else None
    cleaned = _diagnosis_values(patient, values, diagnosis_date, orpha_number)
    gene_list = _genes(genes)
    diagnosis = create_validated(Diagnosis, patient=patient, centre=centre, **code, **cleaned)
    diagnosis.genes.set(gene_list)
    _touch(patient)
    _audit(
        actor,
        AuditEvent.Action.CREATE,
        diagnosis,
        patient,
        summary=f"Diagnostic {diagnosis}",
        changes={"genes": [g.symbol for g in gene_list], "status": diagnosis.status},
    )
    return diagnosis


@transaction.atomic
def diagnosis_update(
    *,
    actor: Actor,
    diagnosis: Diagnosis,
    diagnosis_date: PartialDate | None = None,
    genes: Iterable[str] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """Change a diagnosis (its status as investigations progress, for instance)."""
    unknown = set(values) - set(DIAGNOSIS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown diagnosis fields: {sorted(unknown)}")
    merged = {name: getattr(diagnosis, name) for name in DIAGNOSIS_FIELDS} | values
    orpha_number = diagnosis.orpha.code if diagnosis.orpha_id and diagnosis.orpha else None
    date = diagnosis_date if diagnosis_date is not None else diagnosis.diagnosis_date
    cleaned = _diagnosis_values(diagnosis.patient, merged, date, orpha_number)
    changes = update_validated(diagnosis, cleaned | {"updated_at": diagnosis.updated_at})
    if genes is not None:
        gene_list = _genes(genes)
        before = sorted(diagnosis.genes.values_list("symbol", flat=True))
        after = sorted(g.symbol for g in gene_list)
        if before != after:
            diagnosis.genes.set(gene_list)
            changes["genes"] = {"avant": before, "après": after}
    if changes:
        Diagnosis.objects.filter(pk=diagnosis.pk).update(updated_at=timezone.now())
        _touch(diagnosis.patient)
        _audit(actor, AuditEvent.Action.UPDATE, diagnosis, diagnosis.patient, changes=changes)
    return changes


# --- Genetics, phenotypes, platelet work-ups ---------------------------------------------


FINDING_FIELDS = (
    "gene",
    "hgvs",
    "protein_hgvs",
    "zygosity",
    "acmg_class",
    "technique",
    "diagnosis",
    "laboratory",
    "reported_on",
    "is_index_case",
    "index_case",
    "kinship",
)


def _finding_transcript(gene: Gene, accession: str) -> Transcript | None:
    """Return the known transcript of exactly this version, after checking it is the gene's.

    A transcript the table does not know is accepted (the table holds the MANE transcripts,
    a laboratory may report on another); a known transcript of another gene is not.
    """
    known = transcript_of_accession(accession)
    if known is None:
        return None
    if known.gene_id != gene.pk:
        mane = ", ".join(t.versioned for t in transcripts_of_gene(gene))
        hint = f" (transcrit MANE de {gene.symbol} : {mane})" if mane else ""
        raise HgvsError(
            f"le transcrit {accession} est celui du gène {known.gene.symbol}, "
            f"pas de {gene.symbol}{hint}."
        )
    return known if accession in (known.versioned, known.ensembl_transcript) else None


def _protein_length_source(
    gene: Gene, change: ProteinChange, transcript: Transcript | None
) -> Transcript | None:
    """Return the transcript whose protein the consequence is numbered on, when known."""
    if not change.reference:
        return transcript
    known = transcript_of_protein(change.reference)
    if known is None:
        return None
    if known.gene_id != gene.pk:
        raise HgvsError(
            f"la protéine {change.reference} est celle du gène {known.gene.symbol}, "
            f"pas de {gene.symbol}."
        )
    return known if known.protein_accession == change.reference else None


def _clean_variant(gene: Gene | None, hgvs: str, protein_hgvs: str) -> dict[str, str]:
    """Return the errors of the variant and its protein consequence, by field."""
    errors: dict[str, str] = {}
    transcript = None
    try:
        variant = parse_variant(hgvs)
        if gene is not None:
            transcript = _finding_transcript(gene, variant.transcript)
        if transcript is not None and transcript.cds_length:
            check_cds_length(variant, transcript.cds_length)
    except HgvsError as exc:
        errors["hgvs"] = f"Variant (HGVS) : {exc}"
        transcript = None
    if not protein_hgvs:
        return errors
    try:
        change = parse_protein_change(protein_hgvs)
        source = _protein_length_source(gene, change, transcript) if gene else None
        if source is not None and source.protein_length:
            protein = source.protein_accession or f"codée par {source.versioned}"
            check_protein_length(change, source.protein_length, protein)
    except HgvsError as exc:
        errors["protein_hgvs"] = f"Conséquence protéique : {exc}"
    return errors


def clean_genetic_finding(patient: Patient, values: dict[str, Any]) -> dict[str, Any]:
    """Return a finding's values checked (gene, HGVS, transcript, lengths, kinship), or raise
    ``ValidationError`` naming every bad field. Recording and correcting both go through it."""
    errors: dict[str, Any] = {}
    gene = values.get("gene")
    gene_obj: Gene | None = gene if isinstance(gene, Gene) else None
    if gene_obj is None:
        try:
            gene_obj = get_gene(str(gene or ""))
        except ValidationError as exc:
            errors["gene"] = exc.messages
    hgvs = str(values.get("hgvs") or "").strip()
    protein_hgvs = str(values.get("protein_hgvs") or "").strip()
    errors.update(_clean_variant(gene_obj, hgvs, protein_hgvs))
    diagnosis = values.get("diagnosis")
    is_index_case = values.get("is_index_case", True)
    index_case = values.get("index_case")
    kinship = values.get("kinship") or ""
    reported_on = values.get("reported_on")
    if diagnosis is not None and diagnosis.patient_id != patient.pk:
        errors["diagnosis"] = "Ce diagnostic appartient à un autre patient."
    if is_index_case and (kinship or index_case is not None):
        errors["kinship"] = "Le cas index n'a pas de lien de parenté à préciser."
    if not is_index_case and not kinship:
        errors["kinship"] = "Précisez le lien avec le cas index."
    if index_case is not None and index_case.pk == patient.pk:
        errors["index_case"] = "Un patient n'est pas son propre cas index."
    if reported_on is not None and reported_on > timezone.localdate():
        errors["reported_on"] = "La date du compte rendu est dans le futur."
    if errors:
        raise ValidationError(errors)
    return {
        "diagnosis": diagnosis,
        "gene": gene_obj,
        "hgvs": hgvs,
        "protein_hgvs": protein_hgvs,
        "zygosity": values.get("zygosity"),
        "acmg_class": values.get("acmg_class"),
        "technique": values.get("technique"),
        "laboratory": values.get("laboratory") or "",
        "reported_on": reported_on,
        "is_index_case": is_index_case,
        "index_case": index_case,
        "kinship": kinship,
    }


@transaction.atomic
def genetic_finding_record(
    *,
    actor: Actor,
    patient: Patient,
    gene: str,
    hgvs: str,
    zygosity: str,
    acmg_class: int,
    technique: str,
    diagnosis: Diagnosis | None = None,
    protein_hgvs: str = "",
    laboratory: str = "",
    reported_on: dt.date | None = None,
    is_index_case: bool = True,
    index_case: Patient | None = None,
    kinship: str = "",
) -> GeneticFinding:
    """Record a variant found in the patient (HGVS parsed, transcript and lengths checked)."""
    cleaned = clean_genetic_finding(
        patient,
        {
            "gene": gene,
            "hgvs": hgvs,
            "protein_hgvs": protein_hgvs,
            "zygosity": zygosity,
            "acmg_class": acmg_class,
            "technique": technique,
            "diagnosis": diagnosis,
            "laboratory": laboratory,
            "reported_on": reported_on,
            "is_index_case": is_index_case,
            "index_case": index_case,
            "kinship": kinship,
        },
    )
    finding = create_validated(GeneticFinding, patient=patient, **cleaned)
    _touch(patient)
    _audit(actor, AuditEvent.Action.CREATE, finding, patient, summary=f"Variant {finding}")
    return finding


@transaction.atomic
def genetic_finding_update(
    *, actor: Actor, finding: GeneticFinding, **values: Any
) -> dict[str, Any]:
    """Correct a recorded variant under the same rules as recording it; return the changes."""
    unknown = sorted(set(values) - set(FINDING_FIELDS))
    if unknown:
        raise TypeError(f"Champs inconnus : {', '.join(unknown)}")
    current = {name: getattr(finding, name) for name in FINDING_FIELDS}
    cleaned = clean_genetic_finding(finding.patient, current | values)
    changes = update_validated(finding, cleaned)
    if changes:
        _touch(finding.patient)
        _audit(actor, AuditEvent.Action.UPDATE, finding, finding.patient, changes=changes)
    return changes


@transaction.atomic
def phenotype_record(
    *,
    actor: Actor,
    patient: Patient,
    hpo_id: str,
    excluded: bool = False,
    onset: str = "",
    observed_on: dt.date | None = None,
) -> PhenotypeObservation:
    """Record an HPO term, present or explicitly absent, from the real ontology."""
    term = hpo_term(hpo_id.strip().upper())
    if term is None:
        raise ValidationError({"hpo_id": f"Terme HPO inconnu de l'ontologie : « {hpo_id} »."})
    if not is_phenotypic_abnormality(term.id):
        raise ValidationError(
            {
                "hpo_id": f"{term.id} ({term.name}) n'est pas une anomalie phénotypique : "
                "choisissez un terme sous « Phenotypic abnormality » (HP:0000118)."
            }
        )
    errors: dict[str, Any] = {}
    _check_patient_date(patient, "observed_on", observed_on, "La date d'observation", errors)
    if errors:
        raise ValidationError(errors)
    if patient.phenotypes.current().filter(hpo_id=term.id).exists():
        raise ValidationError({"hpo_id": f"{term.id} est déjà noté pour ce patient."})
    observation = create_validated(
        PhenotypeObservation,
        patient=patient,
        hpo_id=term.id,
        hpo_label=term.name[:200],
        excluded=excluded,
        onset=onset,
        observed_on=observed_on,
    )
    _touch(patient)
    _audit(actor, AuditEvent.Action.CREATE, observation, patient, summary=str(observation))
    return observation


WORKUP_BOUNDS = {
    "platelet_count": lab_bounds.PLATELET_COUNT,
    "mean_platelet_volume": lab_bounds.MEAN_PLATELET_VOLUME,
    "aggregation_adp": lab_bounds.aggregation("ADP"),
    "aggregation_collagen": lab_bounds.aggregation("collagène"),
    "aggregation_arachidonic_acid": lab_bounds.aggregation("acide arachidonique"),
    "aggregation_epinephrine": lab_bounds.aggregation("adrénaline"),
    "aggregation_ristocetin_high": lab_bounds.aggregation("ristocétine forte dose"),
    "aggregation_ristocetin_low": lab_bounds.aggregation("ristocétine faible dose"),
    "aggregation_trap": lab_bounds.aggregation("TRAP"),
    "cd41_cd61_expression": lab_bounds.expression("αIIbβ3 (CD41/CD61)"),
    "cd42b_expression": lab_bounds.expression("GPIb (CD42b)"),
    "gpvi_expression": lab_bounds.expression("GPVI"),
}


def _check_workup_values(values: dict[str, Any], errors: dict[str, Any]) -> None:
    """Add the refusal of each value outside its bounds, and of a Glanzmann type that does not
    fit the measured αIIbβ3 expression."""
    for name, bounds in WORKUP_BOUNDS.items():
        value = values.get(name)
        refusal = bounds.refusal(value) if value is not None else None
        if refusal:
            errors[name] = refusal
    glanzmann_type: str = values.get("glanzmann_type") or ""
    expression = values.get("cd41_cd61_expression")
    if (
        glanzmann_type in PlateletWorkup.GlanzmannType.values
        and expression is not None
        and "cd41_cd61_expression" not in errors
        and glanzmann_type not in glanzmann_types_fitting(expression)
    ):
        label = PlateletWorkup.GlanzmannType(glanzmann_type).label
        errors["glanzmann_type"] = (
            f"Le type « {label} » ne correspond pas à l'expression αIIbβ3 mesurée "
            f"({lab_bounds.french_number(expression)} % du témoin)."
        )


WORKUP_FIELDS = tuple(
    f.name
    for f in PlateletWorkup._meta.get_fields()
    if f.concrete and f.name not in {"id", "public_id", "patient", "created_at", *WITHDRAWAL_FIELDS}
)


@transaction.atomic
def platelet_workup_record(*, actor: Actor, patient: Patient, **values: Any) -> PlateletWorkup:
    """Record the platelet tests of one sampling."""
    unknown = set(values) - set(WORKUP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown work-up fields: {sorted(unknown)}")
    sampled_on = values.get("sampled_on")
    if isinstance(sampled_on, dt.date):
        if sampled_on > timezone.localdate():
            raise ValidationError({"sampled_on": "La date du prélèvement est dans le futur."})
        if sampled_on < patient.birth.earliest():
            raise ValidationError({"sampled_on": "Le prélèvement précède la naissance."})
    errors: dict[str, Any] = {}
    _check_workup_values(values, errors)
    if errors:
        raise ValidationError(errors)
    workup = create_validated(PlateletWorkup, patient=patient, **values)
    _touch(patient)
    _audit(actor, AuditEvent.Action.CREATE, workup, patient, summary=f"Bilan plaquettaire {workup}")
    return workup


# --- Reads and duplicates -----------------------------------------------------------------


def patient_record_viewed(*, actor: User, patient: Patient, what: str = "dossier") -> None:
    """Record that ``actor`` read the patient's record (every page that shows it calls this)."""
    _audit(actor, AuditEvent.Action.VIEW, patient, patient, summary=f"Consultation : {what}")


def patient_record_exported(*, actor: User, patient: Patient, what: str) -> None:
    _audit(actor, AuditEvent.Action.EXPORT, patient, patient, summary=f"Export : {what}")


def identity_viewed(*, actor: User, patient: Patient) -> None:
    _audit(actor, AuditEvent.Action.VIEW, patient, patient, summary="Consultation de l'identité")


def patients_listed(
    *,
    actor: User,
    filters: PatientFilters,
    count: int,
    page: int,
    where: str,
    identified: list[Patient],
) -> None:
    """Record one read of the patient list or of a search (once per request, with its query and
    its number of rows), and the identity read of each row shown with it."""
    text = filters.text.strip()
    kind = ""
    if text:
        kind = (
            "pseudonyme"
            if is_pseudonym(normalise_pseudonym(text))
            else "IdMR"
            if text.isdigit()
            else "nom"
        )
    audit_list_read(
        actor=actor,
        object_type="patients.patient",
        what=f"{where} : recherche par {kind}" if kind else where,
        count=count,
        query={
            "recherche": text,
            "type_de_recherche": kind,
            "centre": filters.centre_id,
            "groupe": filters.disease_group.slug if filters.disease_group else "",
            "statut": filters.status,
            "âge": filters.age_group,
            "suivi": filters.followup,
            "page": page,
        },
        identified=[p.public_id for p in identified],
        identified_summary=LIST_WITH_IDENTITY,
    )


LIST_WITH_IDENTITY = "Liste des patients avec identité"


def duplicates_listed(*, actor: User, pairs: int, identified: list[Patient]) -> None:
    """Record one read of the duplicates page, and one identity read per identified patient."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW,
        object_type="identity.duplicatesuspicion",
        summary=f"Liste des doublons potentiels : {pairs} paire(s)",
        changes={"paires": pairs},
    )
    if identified:
        audit_record_per_patient(
            actor=actor,
            action=AuditEvent.Action.VIEW,
            patient_ids=[p.public_id for p in identified],
            summary="Consultation de l'identité (doublons potentiels)",
        )


def _following_centres(suspicion: DuplicateSuspicion) -> set[int]:
    return set(
        CareEpisode.objects.filter(
            patient__identity_link__in=[suspicion.first_link, suspicion.second_link]
        ).values_list("centre_id", flat=True)
    )


@transaction.atomic
def duplicate_dismiss(
    *, actor: User, suspicion: DuplicateSuspicion, note: str
) -> DuplicateSuspicion:
    """Record that two identities are different people."""
    if suspicion.status != DuplicateSuspicion.Status.OPEN:
        raise ValidationError("Ce doublon potentiel a déjà été traité.")
    if not note.strip():
        raise ValidationError({"note": "Expliquez pourquoi ce ne sont pas les mêmes personnes."})
    suspicion.status = DuplicateSuspicion.Status.DISMISSED
    suspicion.resolved_at, suspicion.resolved_by, suspicion.note = (
        timezone.now(),
        actor,
        note.strip(),
    )
    suspicion.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=suspicion, summary="Doublon écarté"
    )
    return suspicion


def _move_records(other: Patient, keep: Patient) -> dict[str, int]:
    """Point every record of ``other`` (of every module) at ``keep``, except care episodes.

    Relations are found from the model graph, so that a module added later is merged too. A row
    that would break a uniqueness rule of ``keep`` (the same HPO term twice, a second follow-up
    schedule) stays on the absorbed record, where it remains readable.
    """
    moved: dict[str, int] = {}
    for relation in Patient._meta.get_fields(include_hidden=True):
        if not (relation.one_to_many or relation.one_to_one) or not relation.auto_created:
            continue
        model = relation.related_model
        if not (isinstance(model, type) and issubclass(model, models.Model)):
            continue
        if model is Patient or model is CareEpisode:
            continue
        field = relation.field.name  # type: ignore[union-attr]
        rows = model._default_manager.filter(**{field: other})
        label = model._meta.label_lower + ("" if field == "patient" else f".{field}")
        try:
            with transaction.atomic():
                moved[label] = rows.update(**{field: keep})
        except IntegrityError:
            moved[label] = 0
            for row in rows:
                try:
                    with transaction.atomic():
                        model._default_manager.filter(pk=row.pk).update(**{field: keep})
                    moved[label] += 1
                except IntegrityError:
                    continue
    return {label: count for label, count in moved.items() if count}


@transaction.atomic
def duplicate_merge(
    *, actor: User, suspicion: DuplicateSuspicion, keep: Patient, note: str = ""
) -> Patient:
    """Merge the other patient into ``keep``: its records move, it stays as a tombstone."""
    if suspicion.status != DuplicateSuspicion.Status.OPEN:
        raise ValidationError("Ce doublon potentiel a déjà été traité.")
    links = {suspicion.first_link, suspicion.second_link}
    if keep.identity_link not in links:
        raise ValidationError("Le patient conservé ne fait pas partie de ce doublon.")
    if not may_merge_duplicate(actor, _following_centres(suspicion)):
        raise ValidationError(
            "Ces dossiers sont suivis par un centre que vous ne gérez pas : la fusion entre "
            "centres revient au coordonnateur de la filière."
        )
    (other_link,) = links - {keep.identity_link}
    other = Patient.objects.select_for_update().get(identity_link=other_link)
    moved = _move_records(other, keep)
    kept_centres = set(
        keep.care_episodes.filter(ended_on__isnull=True).values_list("centre_id", flat=True)
    )
    episodes = other.care_episodes.all()
    moved["care_episodes"] = 0
    for episode in episodes:
        if episode.ended_on is None and episode.centre_id in kept_centres:
            episode.ended_on = timezone.localdate()
            episode.save(update_fields=["ended_on"])
        episode.patient = keep
        episode.save(update_fields=["patient"])
        moved["care_episodes"] += 1
    care_episodes_changed([other.pk, keep.pk])
    other.merged_into = keep
    other.save(update_fields=["merged_into"])
    suspicion.status = DuplicateSuspicion.Status.MERGED
    suspicion.resolved_at, suspicion.resolved_by, suspicion.note = timezone.now(), actor, note
    suspicion.save()
    _touch(keep)
    _audit(
        actor,
        AuditEvent.Action.UPDATE,
        keep,
        keep,
        summary=f"Fusion du dossier {other.pseudonym} dans {keep.pseudonym}",
        changes=moved,
    )
    _audit(
        actor, AuditEvent.Action.ARCHIVE, other, other, summary=f"Fusionné dans {keep.pseudonym}"
    )
    return keep


# --- Corrections (the shared mechanism in filiere/core/corrections.py calls these) ---------


def _check_patient_date(
    patient: Patient, field: str, value: dt.date | None, label: str, errors: dict[str, Any]
) -> None:
    if value is None:
        return
    if value > timezone.localdate():
        errors[field] = f"{label} est dans le futur."
    elif value < patient.birth.earliest():
        errors[field] = f"{label} précède la naissance du patient ({patient.birth.french()})."


PHENOTYPE_FIELDS = ("excluded", "onset", "observed_on")


@transaction.atomic
def phenotype_update(
    *, actor: Actor, observation: PhenotypeObservation, **values: Any
) -> dict[str, Any]:
    """Correct a phenotype (present or excluded, onset, date); another term is a new record."""
    unknown = set(values) - set(PHENOTYPE_FIELDS)
    if unknown:
        raise TypeError(f"These phenotype fields cannot change: {sorted(unknown)}")
    merged = {name: getattr(observation, name) for name in PHENOTYPE_FIELDS} | values
    errors: dict[str, Any] = {}
    _check_patient_date(
        observation.patient, "observed_on", merged["observed_on"], "La date d'observation", errors
    )
    if errors:
        raise ValidationError(errors)
    changes = update_validated(observation, merged)
    if changes:
        _touch(observation.patient)
        _audit(actor, AuditEvent.Action.UPDATE, observation, observation.patient, changes=changes)
    return changes


@transaction.atomic
def platelet_workup_update(
    *, actor: Actor, workup: PlateletWorkup, **values: Any
) -> dict[str, Any]:
    """Correct the results of one sampling; return the differences."""
    unknown = set(values) - set(WORKUP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown work-up fields: {sorted(unknown)}")
    merged = {name: getattr(workup, name) for name in WORKUP_FIELDS} | values
    errors: dict[str, Any] = {}
    _check_patient_date(
        workup.patient, "sampled_on", merged["sampled_on"], "La date du prélèvement", errors
    )
    _check_workup_values(merged, errors)
    if errors:
        raise ValidationError(errors)
    changes = update_validated(workup, merged)
    if changes:
        _touch(workup.patient)
        _audit(actor, AuditEvent.Action.UPDATE, workup, workup.patient, changes=changes)
    return changes


CONSENT_FIELDS = ("answer", "answered_on", "information_version")


@transaction.atomic
def consent_update(*, actor: Actor, consent: Consent, **values: Any) -> dict[str, Any]:
    """Correct an answer as it was recorded (a new answer of the patient is a new record)."""
    unknown = set(values) - set(CONSENT_FIELDS)
    if unknown:
        raise TypeError(f"These consent fields cannot change: {sorted(unknown)}")
    merged = {name: getattr(consent, name) for name in CONSENT_FIELDS} | values
    errors: dict[str, Any] = {}
    _check_patient_date(
        consent.patient, "answered_on", merged["answered_on"], "La date de la réponse", errors
    )
    merged["information_version"] = (merged["information_version"] or "").strip()
    if not merged["information_version"]:
        errors["information_version"] = "Indiquez la version de l'information délivrée."
    if errors:
        raise ValidationError(errors)
    changes = update_validated(consent, merged)
    if changes:
        _touch(consent.patient)
        _audit(actor, AuditEvent.Action.UPDATE, consent, consent.patient, changes=changes)
    return changes


def clinical_age_on(*, actor: Actor, patient: Patient, on: dt.date) -> Age:
    """Return the age on ``on`` for a clinical rule: exact when ``actor`` may read the identity
    (the read of the birth date is recorded), to the month otherwise (its ``precision`` says so).

    Store the age with the record it decides, so that the verdict never changes afterwards.
    Raise ``ValueError`` when ``on`` precedes the birth.
    """
    user = acting_user(actor)
    if user is not None and patient_rights(user, patient).see_identity:
        exact = identity_exact_age_on(actor=user, patient=patient, on=on)
        if exact is not None:
            return exact
    return age_by_month_on(patient, on)
