"""The follow-up API under /api/v1/suivi: same selectors, services and audit as the pages."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from filiere.access import Capability, grants_for
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.audit.services import audit_record
from filiere.core.access_errors import NotVisible
from filiere.core.http import api_user
from filiere.core.pagination import ApiPage, page_slice
from filiere.followup import schemas, services
from filiere.followup.models import AdverseEvent, BleedingEvent, BleedingScore, Treatment, Visit
from filiere.followup.observatory import ObservatoryFilters, cohorts, published_cohorts
from filiere.followup.rhythm import FollowUpStatus
from filiere.followup.selectors import get_centre_for_worklist, get_treatment, worklist
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.selectors import get_patient_for_user

router = Router(tags=["suivi"])
PAGE_SIZE = 100


def _centre_for(user: User, centre_id: uuid.UUID) -> Centre:
    centre = Centre.objects.filter(
        public_id=centre_id, pk__in=grants_for(user).centre_ids(Capability.EDIT_PATIENTS)
    ).first()
    if centre is None:
        raise NotVisible("network.centre", str(centre_id))
    return centre


def _reader(request: HttpRequest, patient_id: uuid.UUID, what: str) -> Patient:
    user = api_user(request)
    patient = get_patient_for_user(user, patient_id)
    services.followup_viewed(actor=user, patient=patient, what=f"API {what}")
    return patient


def _writer(request: HttpRequest, patient_id: uuid.UUID) -> Patient:
    return get_patient_for_user(api_user(request), patient_id, Capability.EDIT_PATIENTS)


def _own(model: Any, patient: Patient, public_id: uuid.UUID | None, field: str) -> Any:
    """Return the patient's object with this id, or refuse the field."""
    if public_id is None:
        return None
    found = model.objects.filter(patient=patient, public_id=public_id).first()
    if found is None:
        raise ValidationError({field: "Introuvable dans le dossier de ce patient."})
    return found


# --- Output ----------------------------------------------------------------------------------


def _visit_out(v: Visit) -> dict[str, Any]:
    return {"id": v.public_id, "centre_id": v.centre.public_id} | {
        name: getattr(v, name)
        for name in schemas.VisitOut.model_fields
        if name not in {"id", "centre_id"}
    }


def _score_out(s: BleedingScore) -> dict[str, Any]:
    return {
        "id": s.public_id,
        "assessed_on": s.assessed_on,
        "version": s.version,
        "domain_scores": {d.value: v for d, v in s.domain_scores().items()},
        "total": s.total,
        "age_years": s.age_years,
        "age_months": s.age_months,
        "age_precision": s.age_precision,
        "population": s.population,
        "cutoff": s.cutoff,
        "abnormal": s.abnormal,
        "interviewer": s.interviewer.display_name if s.interviewer else None,
        "comment": s.comment,
    }


def _event_out(e: BleedingEvent) -> dict[str, Any]:
    return {"id": e.public_id} | {
        name: getattr(e, name) for name in schemas.BleedingEventOut.model_fields if name != "id"
    }


def _treatment_out(t: Treatment) -> dict[str, Any]:
    return {
        "id": t.public_id,
        "kind": t.kind,
        "category": t.category,
        "atc_code": t.atc.code if t.atc else None,
        "drug": t.atc.label if t.atc else t.get_category_display(),
        "diagnosis_orpha_code": t.diagnosis.orpha.code
        if t.diagnosis and t.diagnosis.orpha
        else None,
        "product_name": t.product_name,
        "dose": t.dose,
        "dose_unit": t.dose_unit,
        "route": t.route,
        "dose_confirmed": t.dose_confirmed,
        "doses_count": t.doses_count,
        "started_on": t.started_on,
        "ended_on": t.ended_on,
        "indication": t.indication,
        "regulatory_status": t.regulatory_status,
        "off_label_framework": t.off_label_framework,
        "justification": t.justification,
        "rcp_recommendation_id": t.rcp_recommendation_id,
        "outcome": t.outcome,
        "usual_emergency": t.usual_emergency,
        "comment": t.comment,
    }


def _adverse_out(a: AdverseEvent) -> dict[str, Any]:
    return {
        "id": a.public_id,
        "treatment_id": a.treatment.public_id if a.treatment else None,
        "occurred_on": a.occurred_on,
        "category": a.category,
        "description": a.description,
        "serious": a.serious,
        "outcome": a.outcome,
        "reported_to_pharmacovigilance": a.reported_to_pharmacovigilance,
        "reported_on": a.reported_on,
    }


# --- Visits ----------------------------------------------------------------------------------

P = "/patients/{patient_id}"


@router.get(P + "/visites", response=list[schemas.VisitOut], summary="Les visites d'un patient")
def list_visits(request: HttpRequest, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    patient = _reader(request, patient_id, "visites")
    return [_visit_out(v) for v in patient.followup_visits.current().select_related("centre")]


@router.post(P + "/visites", response={201: schemas.VisitOut}, summary="Enregistrer une visite")
def add_visit(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.VisitIn
) -> Status[dict[str, Any]]:
    patient = _writer(request, patient_id)
    values = payload.dict()
    centre = _centre_for(api_user(request), values.pop("centre_id"))
    visit = services.visit_record(actor=api_user(request), patient=patient, centre=centre, **values)
    return Status(201, _visit_out(visit))


# --- ISTH-BAT --------------------------------------------------------------------------------


@router.get(
    P + "/isth-bat", response=list[schemas.BleedingScoreOut], summary="L'historique ISTH-BAT"
)
def list_scores(request: HttpRequest, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    patient = _reader(request, patient_id, "scores ISTH-BAT")
    return [_score_out(s) for s in patient.bleeding_scores.current().select_related("interviewer")]


@router.post(
    P + "/isth-bat",
    response={201: schemas.BleedingScoreOut},
    summary="Enregistrer un ISTH-BAT (scores des 14 rubriques, par exemple d'un questionnaire "
    "papier)",
)
def add_score(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.BleedingScoreIn
) -> Status[dict[str, Any]]:
    user = api_user(request)
    patient = _writer(request, patient_id)
    score = services.bleeding_score_record(
        actor=user,
        patient=patient,
        centre=_centre_for(user, payload.centre_id),
        assessed_on=payload.assessed_on,
        version=payload.version,
        domain_scores=payload.domain_scores,
        interviewer=user,
        comment=payload.comment,
    )
    return Status(201, _score_out(score))


# --- Bleeds, treatments, adverse events ------------------------------------------------------


@router.get(P + "/saignements", response=list[schemas.BleedingEventOut], summary="Les saignements")
def list_bleeds(request: HttpRequest, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    patient = _reader(request, patient_id, "saignements")
    return [_event_out(e) for e in patient.bleeding_events.current()]


@router.post(
    P + "/saignements",
    response={201: schemas.BleedingEventOut},
    summary="Enregistrer un saignement",
)
def add_bleed(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.BleedingEventIn
) -> Status[dict[str, Any]]:
    patient = _writer(request, patient_id)
    values = payload.dict()
    centre = _centre_for(api_user(request), values.pop("centre_id"))
    event = services.bleeding_event_record(
        actor=api_user(request), patient=patient, centre=centre, **values
    )
    return Status(201, _event_out(event))


@router.get(P + "/traitements", response=list[schemas.TreatmentOut], summary="Les traitements")
def list_treatments(request: HttpRequest, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    patient = _reader(request, patient_id, "traitements")
    treatments = patient.treatments.current().select_related("atc", "diagnosis__orpha")
    return [_treatment_out(t) for t in treatments]


@router.post(
    P + "/traitements",
    response={201: schemas.TreatmentOut},
    summary="Enregistrer une prescription ou une administration (statut réglementaire compris)",
)
def add_treatment(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.TreatmentIn
) -> Status[dict[str, Any]]:
    from filiere.patients.models import Diagnosis

    user = api_user(request)
    patient = _writer(request, patient_id)
    values = payload.dict()
    centre = _centre_for(user, values.pop("centre_id"))
    values["diagnosis"] = _own(Diagnosis, patient, values.pop("diagnosis_id"), "diagnosis_id")
    values["bleeding_event"] = _own(
        BleedingEvent, patient, values.pop("bleeding_event_id"), "bleeding_event_id"
    )
    treatment = services.treatment_record(actor=user, patient=patient, centre=centre, **values)
    return Status(201, _treatment_out(treatment))


@router.post(
    P + "/traitements/{treatment_id}/urgence",
    response=schemas.TreatmentOut,
    summary="Marquer (ou non) le traitement d'urgence habituel, celui de la carte de soins",
)
def mark_emergency_treatment(
    request: HttpRequest,
    patient_id: uuid.UUID,
    treatment_id: uuid.UUID,
    payload: schemas.TreatmentEmergencyIn,
) -> dict[str, Any]:
    patient = _writer(request, patient_id)
    treatment = get_treatment(patient, treatment_id)
    services.treatment_mark_emergency(
        actor=api_user(request), treatment=treatment, usual=payload.usual
    )
    return _treatment_out(treatment)


@router.get(
    P + "/evenements-indesirables",
    response=list[schemas.AdverseEventOut],
    summary="Les événements indésirables",
)
def list_adverse_events(request: HttpRequest, patient_id: uuid.UUID) -> list[dict[str, Any]]:
    patient = _reader(request, patient_id, "événements indésirables")
    return [_adverse_out(a) for a in patient.adverse_events.current().select_related("treatment")]


@router.post(
    P + "/evenements-indesirables",
    response={201: schemas.AdverseEventOut},
    summary="Enregistrer un événement indésirable (catégories EUHASS)",
)
def add_adverse_event(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.AdverseEventIn
) -> Status[dict[str, Any]]:
    user = api_user(request)
    patient = _writer(request, patient_id)
    values = payload.dict()
    centre = _centre_for(user, values.pop("centre_id"))
    values["treatment"] = _own(Treatment, patient, values.pop("treatment_id"), "treatment_id")
    event = services.adverse_event_record(actor=user, patient=patient, centre=centre, **values)
    return Status(201, _adverse_out(event))


# --- Worklist and observatory ----------------------------------------------------------------


@router.get(
    "/centres/{centre_id}/retards",
    response=list[schemas.DueVisitOut],
    summary="Les patients du centre en retard de visite",
)
def overdue(request: HttpRequest, centre_id: uuid.UUID, page: ApiPage = 1) -> list[dict[str, Any]]:
    user = api_user(request)
    centre = get_centre_for_worklist(user, centre_id)
    rows = worklist(centre, FollowUpStatus.OVERDUE, timezone.localdate())[
        page_slice(page, PAGE_SIZE)
    ]
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="followup.worklist",
        object_id=str(centre.public_id),
        centre_id=centre.public_id,
        summary=f"API liste de suivi {centre}",
    )
    return [
        {
            "patient_id": s.patient.public_id,
            "pseudonym": s.patient.pseudonym,
            "disease_group": s.disease_group.name if s.disease_group else None,
            "severity": s.severity,
            "last_visit_on": s.last_visit_on,
            "next_due_on": s.next_due_on,
            "interval_months": s.interval_months,
        }
        for s in rows
    ]


@router.get(
    "/observatoire",
    response=list[schemas.CohortOut],
    summary="Cohortes de prescriptions hors AMM (coordonnateurs de la filière)",
)
def observatory(
    request: HttpRequest, framework: str = "", atc_code: str = ""
) -> list[dict[str, Any]]:
    user = api_user(request)
    if not grants_for(user).has(Capability.OBSERVATORY):
        raise NotVisible(reason="API observatoire")
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW,
        object_type="followup.observatory",
        summary="API observatoire des traitements hors AMM",
    )
    rows = cohorts(ObservatoryFilters(framework=framework, atc_code=atc_code))
    return [asdict(row) for row in published_cohorts(rows)]
