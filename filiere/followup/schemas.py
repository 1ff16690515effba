"""Input and output schemas of the follow-up API (never a model returned as is)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from ninja import Field, Schema


class VisitIn(Schema):
    centre_id: uuid.UUID
    visited_on: dt.date
    context: str = Field("11429006", description="Code JDV_ContexteActivite.")
    objective: str = Field("ORG-047", description="Code JDV_ObjectifActivite.")
    period_start: dt.date | None = None
    severity: str = Field("", description="mild, moderate, severe ou vide.")
    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    platelet_count: Decimal | None = Field(None, description="G/L")
    mean_platelet_volume: Decimal | None = Field(None, description="fL")
    haemoglobin: Decimal | None = Field(None, description="g/dL")
    factor_viii: Decimal | None = Field(None, description="%")
    factor_ix: Decimal | None = Field(None, description="%")
    vwf_activity: Decimal | None = Field(None, description="%")
    other_results: str = ""
    major_events: str = ""
    to_complete: bool = False
    missing_data: str = ""
    comment: str = ""


class VisitOut(Schema):
    id: uuid.UUID
    centre_id: uuid.UUID
    visited_on: dt.date
    context: str
    objective: str
    period_start: dt.date | None
    severity: str
    weight_kg: Decimal | None
    height_cm: Decimal | None
    platelet_count: Decimal | None
    mean_platelet_volume: Decimal | None
    haemoglobin: Decimal | None
    factor_viii: Decimal | None
    factor_ix: Decimal | None
    vwf_activity: Decimal | None
    other_results: str
    major_events: str
    to_complete: bool
    missing_data: str
    comment: str


class BleedingScoreIn(Schema):
    centre_id: uuid.UUID
    assessed_on: dt.date
    version: str = Field("ISTH-BAT", description="ISTH-BAT ou Self-BAT.")
    domain_scores: dict[str, int] = Field(
        description="Score de chaque rubrique (epistaxis, cutaneous, …, cns, other) ; "
        "une rubrique absente vaut 0."
    )
    comment: str = ""


class BleedingScoreOut(Schema):
    id: uuid.UUID
    assessed_on: dt.date
    version: str
    domain_scores: dict[str, int]
    total: int
    age_years: int
    age_months: int | None
    age_precision: str
    population: str
    cutoff: int
    abnormal: bool
    interviewer: str | None
    comment: str


class BleedingEventIn(Schema):
    centre_id: uuid.UUID
    occurred_on: dt.date
    site: str
    severity: str = Field(description="minor, major ou life_threatening.")
    circumstance: str = ""
    site_detail: str = ""
    treatment_given: str = ""
    hospitalised: bool = False
    hospital_days: int | None = None
    comment: str = ""


class BleedingEventOut(Schema):
    id: uuid.UUID
    occurred_on: dt.date
    site: str
    severity: str
    circumstance: str
    site_detail: str
    treatment_given: str
    hospitalised: bool
    hospital_days: int | None
    comment: str


class TreatmentIn(Schema):
    centre_id: uuid.UUID
    kind: str = Field(description="prescription ou administration.")
    atc_code: str | None = Field(None, description="Code ATC de la table de la filière.")
    category: str = Field("", description="Déduite du code ATC ; « hsct » pour une greffe.")
    diagnosis_id: uuid.UUID | None = Field(None, description="La maladie traitée.")
    product_name: str = ""
    dose: Decimal | None = None
    dose_unit: str = ""
    route: str = Field("", description="Voie : une de celles que la table ATC autorise.")
    dose_confirmed: bool = Field(
        False,
        description="Confirme une dose hors de la plage usuelle du médicament (table ATC de la "
        "filière) ; sans elle, une telle dose est refusée. Hors des bornes : toujours refusée.",
    )
    doses_count: int | None = None
    started_on: dt.date
    ended_on: dt.date | None = None
    indication: str = Field(description="prophylaxis, bleed, surgery, delivery ou curative.")
    bleeding_event_id: uuid.UUID | None = None
    regulatory_status: str = Field(description="within_ma, off_label ou not_applicable.")
    off_label_framework: str = Field("", description="cpc, aac, aap ou other (hors AMM).")
    justification: str = ""
    rcp_recommendation_id: uuid.UUID | None = None
    outcome: str = ""
    comment: str = ""


class TreatmentOut(Schema):
    id: uuid.UUID
    kind: str
    category: str
    atc_code: str | None
    drug: str
    diagnosis_orpha_code: int | None
    product_name: str
    dose: Decimal | None
    dose_unit: str
    route: str
    dose_confirmed: bool
    doses_count: int | None
    started_on: dt.date
    ended_on: dt.date | None
    indication: str
    regulatory_status: str
    off_label_framework: str
    justification: str
    rcp_recommendation_id: uuid.UUID | None
    outcome: str
    usual_emergency: bool
    comment: str


class TreatmentEmergencyIn(Schema):
    usual: bool = Field(
        description="true : le traitement d'urgence habituel du patient, seul listé sur la carte "
        "de soins (qui et quand sont enregistrés) ; false : retiré de la carte."
    )


class AdverseEventIn(Schema):
    centre_id: uuid.UUID
    treatment_id: uuid.UUID | None = None
    occurred_on: dt.date
    category: str = Field(description="Catégorie EUHASS.")
    description: str
    outcome: str
    serious: bool = False
    reported_to_pharmacovigilance: bool = False
    reported_on: dt.date | None = None


class AdverseEventOut(Schema):
    id: uuid.UUID
    treatment_id: uuid.UUID | None
    occurred_on: dt.date
    category: str
    description: str
    serious: bool
    outcome: str
    reported_to_pharmacovigilance: bool
    reported_on: dt.date | None


class DueVisitOut(Schema):
    patient_id: uuid.UUID
    pseudonym: str
    disease_group: str | None
    severity: str
    last_visit_on: dt.date | None
    next_due_on: dt.date
    interval_months: int


class CohortOut(Schema):
    """A cohort's counts; "< 5" replaces a count of 1 to 4, "masqué" a count hidden so that a
    small one cannot be recomputed from the totals."""

    atc_code: str
    drug: str
    orpha_code: int | None
    disease: str
    indication: str
    framework: str
    patients: int | str
    treatments: int | str
    bleeds_treated: int | str
    bleeds_assessed: int | str
    bleeds_effective: int | str
    adverse_events: int | str
    serious_adverse_events: int | str
