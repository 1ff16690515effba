"""The case-meeting API under /api/v1/rcp: same selectors, services and audit as the pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from filiere.audit.services import audit_list_read
from filiere.core.http import api_user
from filiere.core.pagination import ApiPage, page_slice
from filiere.meetings import schemas, selectors, services
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries, Recommendation
from filiere.patients.models import Patient

router = Router(tags=["rcp"])
PAGE_SIZE = 50


def _case_out(case: CaseRequest) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "series": case.series.name,
        "patient_pseudonym": case.patient.pseudonym,
        "patient_age_years": case.patient_age_years,
        "question_type": case.question_type,
        "question": case.question,
        "is_urgent": case.is_urgent,
        "status": case.status,
        "status_note": case.status_note,
        "submitted_at": case.submitted_at,
        "agenda": [
            {
                "meeting_id": item.meeting.public_id,
                "meeting_starts_at": item.meeting.starts_at,
                "slot_starts_at": item.starts_at,
                "purpose": item.purpose,
                "outcome": item.outcome,
            }
            for item in case.agenda_items.all()
        ],
        "recommendations": [
            {
                "id": r.public_id,
                "version": r.version,
                "signed_at": r.signed_at,
                "quorum_met": bool(r.quorum_met),
                "pdf_url": reverse(
                    "meetings:recommendation_pdf", args=[case.public_id, r.public_id]
                ),
            }
            for r in case.signed_versions  # type: ignore[attr-defined]
        ],
    }


def _with_details(cases: Any) -> Any:
    return selectors.with_list_details(cases).prefetch_related(
        Prefetch(
            "recommendations",
            queryset=Recommendation.objects.filter(status=Recommendation.Status.SIGNED)
            .only("public_id", "case_id", "version", "signed_at", "quorum_met")
            .order_by("version"),
            to_attr="signed_versions",
        )
    )


@router.get("/demandes", response=list[schemas.CaseOut], summary="Mes demandes d'avis RCP")
def list_my_cases(request: HttpRequest, page: ApiPage = 1) -> list[dict[str, Any]]:
    user = api_user(request)
    cases = _with_details(CaseRequest.objects.filter(requester=user)).order_by(
        "-submitted_at", "pk"
    )
    rows = list(cases[page_slice(page, PAGE_SIZE)])
    audit_list_read(
        actor=user,
        object_type="meetings.caserequest",
        what="API mes demandes d'avis RCP",
        count=len(rows),
        query={"page": page},
    )
    return [_case_out(case) for case in rows]


@router.post("/demandes", response={201: schemas.CaseOut}, summary="Demander un avis RCP")
def submit_case(request: HttpRequest, payload: schemas.CaseIn) -> Status[dict[str, Any]]:
    """Send a case of a registry patient; the clinical file is prefilled from the registry."""
    user = api_user(request)
    series = MeetingSeries.objects.filter(public_id=payload.series_id).first()
    patient = Patient.objects.filter(public_id=payload.patient_id).first()
    if series is None:
        raise ValidationError({"series_id": "RCP inconnue."})
    if patient is None:
        raise ValidationError({"patient_id": "Patient introuvable parmi ceux de vos centres."})
    values = payload.dict(exclude={"series_id", "patient_id"})
    values["additional_recipients"] = "\n".join(values["additional_recipients"])
    case = services.case_request_submit(
        actor=user, series=series, patient=patient, details=services.CaseDetails(**values)
    )
    return Status(201, _case_out(_with_details(CaseRequest.objects.filter(pk=case.pk)).get()))


@router.get("/demandes/{case_id}", response=schemas.CaseOut, summary="Une demande d'avis")
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> dict[str, Any]:
    user = api_user(request)
    case = selectors.get_case_for_user(user, case_id)
    services.case_viewed(actor=user, case=case, what="API demande d'avis RCP")
    return _case_out(_with_details(CaseRequest.objects.filter(pk=case.pk)).get())


@router.get("/reunions", response=list[schemas.MeetingOut], summary="Mes réunions à venir")
def my_meetings(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request)
    meetings = (
        selectors.meetings_visible_to(user)
        .filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.OPEN])
        .select_related("series")
        .order_by("starts_at")[:PAGE_SIZE]
    )
    return [
        {
            "id": m.public_id,
            "series": m.series.name,
            "kind": m.kind,
            "status": m.status,
            "starts_at": m.starts_at,
            "duration_minutes": m.duration_minutes,
            "video_link": m.video_link,
        }
        for m in meetings
    ]
