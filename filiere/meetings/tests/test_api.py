"""The case-meeting API: my requests, submitting one, reading one; same rules as the pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries
from filiere.patients.models import Patient
from filiere.testing.meetings import make_case

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _payload(series: MeetingSeries, patient: Patient, **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "series_id": str(series.public_id),
        "patient_id": str(patient.public_id),
        "question_type": "diagnostic",
        "question": "Thrombopénie familiale : ANKRD26 ou ETV6 ?",
        "patient_informed_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "patient_not_opposed": True,
        "clinical_summary": "Thrombopénie modérée chez la mère et la fille.",
        "additional_recipients": ["dr.ville@mssante.test"],
    }
    data.update(values)
    return data


def test_a_clinician_submits_a_case_and_lists_it(
    series: MeetingSeries, alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.post(
        "/api/v1/rcp/demandes", _payload(series, patient_a), content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["patient_pseudonym"] == patient_a.pseudonym
    assert body["status"] == "submitted"
    case = CaseRequest.objects.get()
    assert case.recipient_emails() == ["dr.ville@mssante.test"]
    listed = client.get("/api/v1/rcp/demandes").json()
    assert [c["id"] for c in listed] == [str(case.public_id)]


def test_a_submission_without_non_opposition_gets_a_french_422(
    series: MeetingSeries, alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        "/api/v1/rcp/demandes",
        _payload(series, patient_a, patient_not_opposed=False),
        content_type="application/json",
    )
    assert response.status_code == 422
    (error,) = response.json()["erreurs"]
    assert error["champ"] == "patient_not_opposed"
    assert not CaseRequest.objects.exists()


def test_a_patient_of_another_centre_is_refused(
    series: MeetingSeries, charlie: User, patient_a: Patient, client_for: ClientFor
) -> None:
    response = client_for(charlie).post(
        "/api/v1/rcp/demandes", _payload(series, patient_a), content_type="application/json"
    )
    assert response.status_code == 422


def test_reading_a_case_is_audited_and_refused_to_outsiders(
    series: MeetingSeries,
    alice: User,
    charlie: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    case = make_case(series, alice, patient_a)
    url = f"/api/v1/rcp/demandes/{case.public_id}"
    assert client_for(alice).get(url).json()["question_type"] == "therapeutic"
    assert AuditEvent.objects.filter(action="view", object_id=str(case.public_id)).exists()
    assert client_for(charlie).get(url).status_code == 404


def test_my_meetings(meeting: Meeting, biologist: User, client_for: ClientFor) -> None:
    listed = client_for(biologist).get("/api/v1/rcp/reunions").json()
    assert [m["id"] for m in listed] == [str(meeting.public_id)]
