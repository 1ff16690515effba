"""Bleeding history: ISTH-BAT assessments scored by the pure module, and bleeding events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from filiere.access.actors import Actor, acting_user
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.clinical import isth_bat
from filiere.clinical.isth_bat import BatVersion, Domain, IsthBatError
from filiere.core.corrections import correction_values
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.followup.models import BleedingEvent, BleedingScore, Visit
from filiere.followup.services.common import audit, check_centre, check_clinical_date, raise_if
from filiere.lib.ages import Age
from filiere.network.models import Centre
from filiere.patients.models import BleedingSite, Patient
from filiere.patients.services import clinical_age_on

_SEXES = {"M": isth_bat.Sex.MALE, "F": isth_bat.Sex.FEMALE}


def _domain_scores(scores: Mapping[str, Any]) -> dict[Domain, int]:
    result: dict[Domain, int] = {}
    for key, score in scores.items():
        try:
            domain = Domain(key)
        except ValueError as exc:
            raise ValidationError(
                {"domain_scores": f"Rubrique ISTH-BAT inconnue : {key}."}
            ) from exc
        result[domain] = score
    return result


def _check_answers(answers: Mapping[str, Any], scores: Mapping[Domain, int]) -> dict[str, Any]:
    """Return the stored answers after checking they give the scores (a tampered form fails)."""
    cleaned: dict[str, Any] = {}
    for key, given in answers.items():
        domain = Domain(key)
        present = given.get("present")
        replies = {str(k): bool(v) for k, v in (given.get("answers") or {}).items()}
        try:
            from_answers = isth_bat.score_domain_from_answers(domain, replies) if present else 0
        except IsthBatError as exc:
            raise ValidationError({domain.value: str(exc)}) from exc
        if from_answers != scores.get(domain, 0):
            raise ValidationError(
                {domain.value: f"{domain.label} : le score ne correspond pas aux réponses."}
            )
        cleaned[domain.value] = {
            "present": present,
            "answers": replies,
            "note": str(given.get("note") or "").strip()[:1000],
        }
    return cleaned


def _age_and_sex(actor: Actor, patient: Patient, assessed_on: dt.date) -> tuple[Age, isth_bat.Sex]:
    """The age and sex that choose the ISTH-BAT's reference population."""
    # The exact age when the birth date may be read: on the eve of the 18th birthday the child
    # cut-off still holds. Known to the month only, the age is the lowest possible, so the more
    # sensitive child cut-off (3, against 4 and 6) applies throughout the 18th birthday's month.
    try:
        age = clinical_age_on(actor=actor, patient=patient, on=assessed_on)
    except ValueError as exc:
        raise ValidationError(
            {"assessed_on": "La date de l'évaluation précède la naissance du patient."}
        ) from exc
    sex = _SEXES.get(patient.sex)
    if sex is None:
        if age.years >= isth_bat.ADULT_AGE:
            raise ValidationError(
                "Sexe indéterminé : le seuil d'anormalité de l'adulte dépend du sexe."
            )
        # Children share one cut-off; the female-only domains are then simply scored.
        sex = isth_bat.Sex.FEMALE
    return age, sex


@records_refusals("Enregistrement d'un score hémorragique")
def bleeding_score_record(
    *,
    actor: Actor,
    patient: Patient,
    centre: Centre,
    assessed_on: dt.date,
    domain_scores: Mapping[str, Any],
    version: str = BatVersion.ISTH_BAT.value,
    interviewer: User | None = None,
    answers: Mapping[str, Any] | None = None,
    comment: str = "",
) -> BleedingScore:
    """Record an ISTH-BAT: score it (total, cut-off for the age and sex) and store it.

    Only symptoms up to the diagnosis count; the interviewer answers with that rule in mind.
    """
    check_centre(actor, patient, centre)
    errors: dict[str, str] = {}
    check_clinical_date(patient, "assessed_on", assessed_on, "La date de l'évaluation", errors)
    try:
        bat_version = BatVersion(version)
    except ValueError:
        errors["version"] = "Version inconnue : ISTH-BAT ou Self-BAT."
    raise_if(errors)
    age, sex = _age_and_sex(actor, patient, assessed_on)
    scores = _domain_scores(domain_scores)
    try:
        result = isth_bat.score_assessment(
            scores, sex=sex, age_years=age.years, version=bat_version
        )
    except IsthBatError as exc:
        field = exc.domain.value if exc.domain else "domain_scores"
        raise ValidationError({field: str(exc)}) from exc
    stored_answers = _check_answers(answers or {}, result.domain_scores)
    score = create_validated(
        BleedingScore,
        patient=patient,
        centre=centre,
        assessed_on=assessed_on,
        version=bat_version.value,
        interviewer=interviewer if bat_version is BatVersion.ISTH_BAT else None,
        **{domain.value: value for domain, value in result.domain_scores.items()},
        total=result.total,
        age_years=age.years,
        age_months=age.months,
        age_precision=age.precision.value,
        population=result.population.value,
        cutoff=result.cutoff,
        abnormal=result.abnormal,
        answers=stored_answers,
        comment=comment.strip(),
        recorded_by=acting_user(actor),
    )
    audit(
        actor,
        AuditEvent.Action.CREATE,
        score,
        patient,
        summary=f"{bat_version.value} : {result.total}/{isth_bat.MAX_TOTAL}"
        f" ({'anormal' if result.abnormal else 'normal'} pour {result.population.label})",
        changes={d.value: s for d, s in result.domain_scores.items()},
    )
    return score


def _check_bleeding_event(
    patient: Patient,
    *,
    occurred_on: dt.date,
    site: str,
    severity: str,
    circumstance: str,
    hospitalised: bool,
    hospital_days: int | None,
    visit: Visit | None,
) -> None:
    errors: dict[str, str] = {}
    check_clinical_date(patient, "occurred_on", occurred_on, "La date du saignement", errors)
    if site not in BleedingSite.values:
        errors["site"] = "Localisation inconnue : choisissez dans la liste."
    if site in {BleedingSite.MENORRHAGIA, BleedingSite.POST_PARTUM} and patient.sex == "M":
        errors["site"] = "Localisation impossible chez un patient de sexe masculin."
    if severity not in BleedingEvent.Severity.values:
        errors["severity"] = "Gravité inconnue."
    if circumstance and circumstance not in BleedingEvent.Circumstance.values:
        errors["circumstance"] = "Circonstance inconnue."
    if hospital_days is not None and not hospitalised:
        errors["hospital_days"] = "Une durée d'hospitalisation suppose une hospitalisation."
    if visit is not None and visit.patient_id != patient.pk:
        errors["visit"] = "Cette visite est celle d'un autre patient."
    raise_if(errors)


BLEEDING_EVENT_FIELDS = (
    "occurred_on",
    "site",
    "site_detail",
    "severity",
    "circumstance",
    "treatment_given",
    "hospitalised",
    "hospital_days",
    "visit",
    "comment",
)


@records_refusals("Enregistrement d'un saignement")
def bleeding_event_record(
    *,
    actor: Actor,
    patient: Patient,
    centre: Centre,
    occurred_on: dt.date,
    site: str,
    severity: str,
    circumstance: str = "",
    site_detail: str = "",
    treatment_given: str = "",
    hospitalised: bool = False,
    hospital_days: int | None = None,
    visit: Visit | None = None,
    comment: str = "",
) -> BleedingEvent:
    """Record a bleeding episode (date, site, severity, treatment, hospital stay)."""
    check_centre(actor, patient, centre)
    _check_bleeding_event(
        patient,
        occurred_on=occurred_on,
        site=site,
        severity=severity,
        circumstance=circumstance,
        hospitalised=hospitalised,
        hospital_days=hospital_days,
        visit=visit,
    )
    event = create_validated(
        BleedingEvent,
        patient=patient,
        centre=centre,
        occurred_on=occurred_on,
        site=site,
        site_detail=site_detail.strip(),
        severity=severity,
        circumstance=circumstance,
        treatment_given=treatment_given.strip(),
        hospitalised=hospitalised,
        hospital_days=hospital_days,
        visit=visit,
        comment=comment.strip(),
        recorded_by=acting_user(actor),
    )
    audit(actor, AuditEvent.Action.CREATE, event, patient, summary=f"Saignement : {event}")
    return event


@records_refusals("Correction d'un saignement")
def bleeding_event_update(*, actor: Actor, event: BleedingEvent, **values: Any) -> dict[str, Any]:
    """Correct a bleeding episode with the rules of its recording; return the differences."""
    check_centre(actor, event.patient, event.centre)
    merged = correction_values(event, BLEEDING_EVENT_FIELDS, values)
    for name in ("site_detail", "treatment_given", "comment"):
        merged[name] = (merged[name] or "").strip()
    _check_bleeding_event(
        event.patient,
        **{
            k: merged[k]
            for k in BLEEDING_EVENT_FIELDS
            if k not in {"site_detail", "treatment_given", "comment"}
        },
    )
    changes = update_validated(event, merged)
    if changes:
        audit(actor, AuditEvent.Action.UPDATE, event, event.patient, changes=changes)
    return changes
