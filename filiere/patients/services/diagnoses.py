"""Diagnoses: codes, ages, dead ends, and the clinical age used by rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor, acting_user
from filiere.access.patients import patient_rights
from filiere.audit.models import AuditEvent
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.identity.services import (
    identity_exact_age_on,
)
from filiere.lib.ages import Age
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre
from filiere.nomenclature.hpo import hpo_term, is_phenotypic_abnormality
from filiere.nomenclature.models import Gene
from filiere.nomenclature.selectors import (
    UNDIAGNOSED_ORPHA_CODE,
    get_gene,
    get_icd10_code,
    get_orpha_concept,
    parse_orpha_code,
)
from filiere.patients.models import (
    AgeCategory,
    BleedingSite,
    Diagnosis,
    DiagnosisStatus,
    Patient,
)
from filiere.patients.selectors import age_by_month_on
from filiere.patients.services.common import (
    audit,
    touch,
)

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


@records_refusals("Enregistrement d'un diagnostic")
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
    touch(patient)
    audit(
        actor,
        AuditEvent.Action.CREATE,
        diagnosis,
        patient,
        summary=f"Diagnostic {diagnosis}",
        changes={"genes": [g.symbol for g in gene_list], "status": diagnosis.status},
    )
    return diagnosis


@records_refusals("Correction d'un diagnostic")
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
        touch(diagnosis.patient)
        audit(actor, AuditEvent.Action.UPDATE, diagnosis, diagnosis.patient, changes=changes)
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
