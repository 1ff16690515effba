"""Phenotypes (HPO) and platelet work-ups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import Actor
from filiere.audit.models import AuditEvent
from filiere.clinical import lab_bounds
from filiere.clinical.glanzmann import glanzmann_types_fitting
from filiere.core.corrections import correction_values
from filiere.core.models import WITHDRAWAL_FIELDS
from filiere.core.services import create_validated, records_refusals, update_validated
from filiere.nomenclature.hpo import hpo_term, is_phenotypic_abnormality
from filiere.patients.models import (
    Patient,
    PhenotypeObservation,
    PlateletWorkup,
)
from filiere.patients.services.common import (
    audit,
    check_patient_date,
    touch,
)


@records_refusals("Enregistrement d'un phénotype HPO")
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
    check_patient_date(patient, "observed_on", observed_on, "La date d'observation", errors)
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
    touch(patient)
    audit(actor, AuditEvent.Action.CREATE, observation, patient, summary=str(observation))
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


@records_refusals("Enregistrement d'un bilan plaquettaire")
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
    touch(patient)
    audit(actor, AuditEvent.Action.CREATE, workup, patient, summary=f"Bilan plaquettaire {workup}")
    return workup


PHENOTYPE_FIELDS = ("excluded", "onset", "observed_on")


@records_refusals("Correction d'un phénotype HPO")
def phenotype_update(
    *, actor: Actor, observation: PhenotypeObservation, **values: Any
) -> dict[str, Any]:
    """Correct a phenotype (present or excluded, onset, date); another term is a new record."""
    merged = correction_values(observation, PHENOTYPE_FIELDS, values)
    errors: dict[str, Any] = {}
    check_patient_date(
        observation.patient, "observed_on", merged["observed_on"], "La date d'observation", errors
    )
    if errors:
        raise ValidationError(errors)
    changes = update_validated(observation, merged)
    if changes:
        touch(observation.patient)
        audit(actor, AuditEvent.Action.UPDATE, observation, observation.patient, changes=changes)
    return changes


@records_refusals("Correction d'un bilan plaquettaire")
def platelet_workup_update(
    *, actor: Actor, workup: PlateletWorkup, **values: Any
) -> dict[str, Any]:
    """Correct the results of one sampling; return the differences."""
    merged = correction_values(workup, WORKUP_FIELDS, values)
    errors: dict[str, Any] = {}
    check_patient_date(
        workup.patient, "sampled_on", merged["sampled_on"], "La date du prélèvement", errors
    )
    _check_workup_values(merged, errors)
    if errors:
        raise ValidationError(errors)
    changes = update_validated(workup, merged)
    if changes:
        touch(workup.patient)
        audit(actor, AuditEvent.Action.UPDATE, workup, workup.patient, changes=changes)
    return changes
