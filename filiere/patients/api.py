"""The registry API under /api/v1/patients: same selectors, services and audit as the pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from filiere.access import Capability, grants_for
from filiere.core.access_errors import NotVisible
from filiere.identity.services import IdentityInput
from filiere.lib.partial_dates import PartialDate, PartialDateError
from filiere.network.models import Centre
from filiere.patients import schemas, services
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.selectors import (
    PatientFilters,
    get_patient_for_user,
    identity_of,
    may_see_identity,
    patient_list,
    with_list_details,
)

router = Router(tags=["patients"])
PAGE_SIZE = 50


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


def _partial(value: str | None, field: str) -> PartialDate | None:
    from django.core.exceptions import ValidationError

    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except PartialDateError as exc:
        raise ValidationError({field: str(exc)}) from exc


def _centre_for(user: Any, centre_id: uuid.UUID) -> Centre:
    centre = Centre.objects.filter(
        public_id=centre_id, pk__in=grants_for(user).centre_ids(Capability.EDIT_PATIENTS)
    ).first()
    if centre is None:
        raise NotVisible("network.centre", str(centre_id))
    return centre


def _diagnosis_out(d: Diagnosis) -> dict[str, Any]:
    date = d.diagnosis_date
    return {
        "id": d.public_id,
        "orpha_code": d.orpha.code if d.orpha else None,
        "icd10_code": d.icd10.code if d.icd10 else None,
        "label": d.orpha.name if d.orpha else (d.icd10.label if d.icd10 else ""),
        "status": d.status,
        "date": date.iso() if date else None,
        "centre_id": d.centre.public_id,
        "genes": [g.symbol for g in d.genes.all()],
    }


def _patient_out(p: Patient) -> dict[str, Any]:
    return {
        "id": p.public_id,
        "pseudonym": p.pseudonym,
        "idmr": p.idmr,
        "sex": p.sex,
        "birth_year": p.birth_year,
        "birth_month": p.birth_month,
        "vital_status": p.vital_status,
        "diagnoses": [_diagnosis_out(d) for d in p.diagnoses.current()],
        "care_episodes": [
            {
                "id": e.public_id,
                "centre_id": e.centre.public_id,
                "centre": str(e.centre),
                "inclusion_date": e.inclusion_date.iso(),
                "ended_on": e.ended_on,
            }
            for e in p.care_episodes.all()
        ],
    }


def _page(user: Any, filters: PatientFilters, page: int) -> list[dict[str, Any]]:
    start = (max(page, 1) - 1) * PAGE_SIZE
    patients = with_list_details(patient_list(user, filters)).prefetch_related(
        "diagnoses__genes", "diagnoses__centre"
    )
    return [_patient_out(p) for p in patients[start : start + PAGE_SIZE]]


@router.get("", response=list[schemas.PatientOut], summary="Les patients de mes centres")
def list_patients(request: HttpRequest, status: str = "", page: int = 1) -> list[dict[str, Any]]:
    user = _user(request)
    if not grants_for(user).has(Capability.VIEW_PATIENTS):
        raise NotVisible(reason="API patients")
    return _page(user, PatientFilters(status=status), page)


@router.post(
    "/recherche",
    response=list[schemas.PatientOut],
    summary="Rechercher par nom, pseudonyme ou IdMR (dans le corps : jamais de nom dans l'URL)",
)
def search_patients(
    request: HttpRequest, payload: schemas.SearchIn, page: int = 1
) -> list[dict[str, Any]]:
    user = _user(request)
    if not grants_for(user).has(Capability.VIEW_PATIENTS):
        raise NotVisible(reason="API patients")
    return _page(user, PatientFilters(text=payload.q), page)


@router.post("", response={201: schemas.PatientOut}, summary="Inclure un patient")
def register_patient(request: HttpRequest, payload: schemas.PatientIn) -> Status[dict[str, Any]]:
    user = _user(request)
    centre = _centre_for(user, payload.centre_id)
    inclusion = _partial(payload.inclusion_date, "inclusion_date")
    assert inclusion is not None  # noqa: S101 - the schema requires the field
    registration = services.patient_register(
        actor=user,
        centre=centre,
        identity=IdentityInput(**payload.identity.dict()),
        inclusion_date=inclusion,
        referred_by=payload.referred_by,
        outside_labelled_scope=payload.outside_labelled_scope,
        referring_physician=user,
    )
    return Status(201, _patient_out(registration.patient))


@router.get(
    "/{patient_id}", response=schemas.PatientDetailOut, summary="Un dossier (sans identité)"
)
def patient_detail(request: HttpRequest, patient_id: uuid.UUID) -> dict[str, Any]:
    user = _user(request)
    patient = get_patient_for_user(user, patient_id)
    services.patient_record_viewed(actor=user, patient=patient, what="API dossier")
    data = _patient_out(patient)
    data["genetic_findings"] = [
        {
            "id": f.public_id,
            "gene": f.gene.symbol,
            "hgvs": f.hgvs,
            "zygosity": f.zygosity,
            "acmg_class": f.acmg_class,
            "technique": f.technique,
        }
        for f in patient.genetic_findings.current().select_related("gene")
    ]
    data["phenotypes"] = [
        {"id": o.public_id, "hpo_id": o.hpo_id, "label": o.hpo_label, "excluded": o.excluded}
        for o in patient.phenotypes.current()
    ]
    return data


@router.get("/{patient_id}/identite", response=schemas.IdentityOut, summary="Traits d'identité")
def patient_identity(request: HttpRequest, patient_id: uuid.UUID) -> Any:
    user = _user(request)
    patient = get_patient_for_user(user, patient_id)
    if not may_see_identity(user, patient):
        raise NotVisible("patients.patient", str(patient.public_id), "identité")
    identity = identity_of(patient)
    services.identity_viewed(actor=user, patient=patient)
    return identity


@router.post(
    "/{patient_id}/diagnostics",
    response={201: schemas.DiagnosisOut},
    summary="Ajouter un diagnostic",
)
def add_diagnosis(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.DiagnosisIn
) -> Status[dict[str, Any]]:
    user = _user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    values = payload.dict()
    centre = _centre_for(user, values.pop("centre_id"))
    date = _partial(values.pop("diagnosis_date"), "diagnosis_date")
    diagnosis = services.diagnosis_record(
        actor=user, patient=patient, centre=centre, diagnosis_date=date, **values
    )
    return Status(201, _diagnosis_out(diagnosis))


@router.patch(
    "/{patient_id}/diagnostics/{diagnosis_id}",
    response=schemas.DiagnosisOut,
    summary="Changer le statut d'un diagnostic",
)
def change_diagnosis_status(
    request: HttpRequest,
    patient_id: uuid.UUID,
    diagnosis_id: uuid.UUID,
    payload: schemas.DiagnosisStatusIn,
) -> dict[str, Any]:
    user = _user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    diagnosis = patient.diagnoses.current().filter(public_id=diagnosis_id).first()
    if diagnosis is None:
        raise NotVisible("patients.diagnosis", str(diagnosis_id))
    services.diagnosis_update(actor=user, diagnosis=diagnosis, status=payload.status)
    diagnosis.refresh_from_db()
    return _diagnosis_out(diagnosis)


@router.post(
    "/{patient_id}/genetique", response={201: schemas.FindingOut}, summary="Ajouter un variant"
)
def add_finding(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.FindingIn
) -> Status[dict[str, Any]]:
    user = _user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    f = services.genetic_finding_record(actor=user, patient=patient, **payload.dict())
    return Status(
        201,
        {
            "id": f.public_id,
            "gene": f.gene.symbol,
            "hgvs": f.hgvs,
            "zygosity": f.zygosity,
            "acmg_class": f.acmg_class,
            "technique": f.technique,
        },
    )


@router.post(
    "/{patient_id}/phenotypes", response={201: schemas.PhenotypeOut}, summary="Ajouter un terme HPO"
)
def add_phenotype(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.PhenotypeIn
) -> Status[dict[str, Any]]:
    user = _user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    o = services.phenotype_record(actor=user, patient=patient, **payload.dict())
    return Status(
        201, {"id": o.public_id, "hpo_id": o.hpo_id, "label": o.hpo_label, "excluded": o.excluded}
    )


@router.post(
    "/{patient_id}/consentements",
    response={201: dict[str, str]},
    summary="Enregistrer une réponse du patient",
)
def add_consent(
    request: HttpRequest, patient_id: uuid.UUID, payload: schemas.ConsentIn
) -> Status[dict[str, str]]:
    user = _user(request)
    patient = get_patient_for_user(user, patient_id, Capability.EDIT_PATIENTS)
    consent = services.consent_record(actor=user, patient=patient, **payload.dict())
    return Status(201, {"id": str(consent.public_id)})
