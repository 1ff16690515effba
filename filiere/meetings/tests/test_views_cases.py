"""Case pages: submitting, reading (audited), triage, follow-up; refusals explained in French."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient, with_form_token
from filiere.testing.meetings import make_case, pdf_upload

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def _form(series: MeetingSeries, **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "series": series.pk,
        "patient_mode": "existing",
        "question_type": "off_label",
        "question": "Prophylaxie par rFVIIa avant amygdalectomie ?",
        "proposal": "rFVIIa 90 µg/kg toutes les 2 h",
        "off_label_drug": "eptacog alfa (rFVIIa)",
        "patient_not_opposed": "on",
        "patient_informed_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "clinical_summary": "Thrombasthénie de Glanzmann de type I, épistaxis sévères.",
        "bleeding_score": "14",
    }
    data.update(values)
    return data


def test_a_clinician_sends_a_request_with_an_attachment_from_the_form(
    series: MeetingSeries, alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    data = _form(series, pseudonym=patient_a.pseudonym.lower(), attachment=pdf_upload())
    response = client_for(alice).post("/rcp/demandes/nouvelle/", with_form_token(data))
    case = CaseRequest.objects.get()
    assert response["Location"] == f"/rcp/demandes/{case.public_id}/"
    assert case.off_label_drug == "eptacog alfa (rFVIIa)"
    assert case.bleeding_score == 14
    assert case.attachments.count() == 1


def test_a_request_without_non_opposition_is_refused_with_a_french_message(
    series: MeetingSeries, alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    data = _form(series, pseudonym=patient_a.pseudonym)
    del data["patient_not_opposed"]
    response = client_for(alice).post("/rcp/demandes/nouvelle/", with_form_token(data))
    assert response.status_code == 200
    assert "ne pas s&#x27;opposer" in response.content.decode()
    assert not CaseRequest.objects.exists()
    assert AuditEvent.objects.filter(action="refused", actor=alice).exists()


def test_an_unknown_pseudonym_is_refused(
    series: MeetingSeries, charlie: User, patient_a: Patient, client_for: ClientFor
) -> None:
    response = client_for(charlie).post(
        "/rcp/demandes/nouvelle/", with_form_token(_form(series, pseudonym=patient_a.pseudonym))
    )
    assert "Aucun patient de vos centres" in response.content.decode()


def test_a_new_patient_is_registered_from_the_form(
    series: MeetingSeries,
    charlie: User,
    centre_b: Centre,
    nomenclature: None,
    client_for: ClientFor,
) -> None:
    data = _form(
        series,
        patient_mode="new",
        birth_name="Diallo",
        first_given_name="Awa",
        birth_date="2018-02-11",
        sex="F",
        centre=centre_b.pk,
    )
    client_for(charlie).post("/rcp/demandes/nouvelle/", with_form_token(data))
    case = CaseRequest.objects.get()
    assert case.is_paediatric
    assert case.requester == charlie


def test_the_case_page_is_audited_and_shows_the_completeness(
    series: MeetingSeries, alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    case = make_case(series, alice, patient_a)
    html = client_for(alice).get(f"/rcp/demandes/{case.public_id}/").content.decode()
    assert "Aucun bilan plaquettaire au registre" in html
    event = AuditEvent.objects.filter(action="view", object_id=str(case.public_id)).get()
    assert event.patient_id == patient_a.public_id
    assert event.actor == alice


def test_my_requests_list_has_a_fixed_query_count(
    series: MeetingSeries, alice: User, centre_a: Centre, nomenclature: None, client_for: ClientFor
) -> None:
    client = client_for(alice)
    make_case(series, alice, make_patient(centre_a))
    client.get("/rcp/demandes/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/rcp/demandes/").status_code == 200
    for _ in range(5):
        make_case(series, alice, make_patient(centre_a))
    with CaptureQueriesContext(connection) as many:
        html = client.get("/rcp/demandes/").content.decode()
    assert len(many) == len(few)
    assert html.count('data-testid="case-status"') == 6


def test_the_coordinator_accepts_a_request_onto_a_meeting_from_the_triage_page(
    meeting: Meeting,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    case = make_case(meeting.series, alice, patient_a)
    url = f"/rcp/demandes/{case.public_id}/triage/"
    client = client_for(coordinator)
    assert "Dossier complet" not in client.get(url).content.decode()  # warnings listed
    slot = timezone.localtime(meeting.starts_at + dt.timedelta(minutes=20))
    response = client.post(
        url, {"decision": "accept", "meeting": meeting.pk, "slot_time": slot.strftime("%H:%M")}
    )
    assert response.status_code == 302
    item = case.agenda_items.get()
    assert item.starts_at == meeting.starts_at + dt.timedelta(minutes=20)


def test_the_triage_page_is_for_the_staff(
    series: MeetingSeries, alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    case = make_case(series, alice, patient_a)
    assert client_for(alice).get(f"/rcp/demandes/{case.public_id}/triage/").status_code == 404


def test_returning_a_request_needs_a_reason(
    series: MeetingSeries,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    case = make_case(series, alice, patient_a)
    url = f"/rcp/demandes/{case.public_id}/triage/"
    response = client_for(coordinator).post(url, {"decision": "return", "note": ""})
    assert "Indiquez le motif" in response.content.decode()
    client_for(coordinator).post(url, {"decision": "return", "note": "Joindre le myélogramme."})
    case.refresh_from_db()
    assert case.status == "returned"
    html = client_for(alice).get(f"/rcp/demandes/{case.public_id}/").content.decode()
    assert "Joindre le myélogramme." in html


def test_only_the_requester_edits_or_answers_the_follow_up(
    series: MeetingSeries,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    """Anyone else, the series' coordinator included, gets the audited 404 and changes nothing
    (the services trust their caller)."""
    case = make_case(series, alice, patient_a)
    client = client_for(coordinator)
    assert client.get(f"/rcp/demandes/{case.public_id}/modifier/").status_code == 404
    assert client.get(f"/rcp/demandes/{case.public_id}/suivi/").status_code == 404
    edited = client.post(f"/rcp/demandes/{case.public_id}/modifier/", _form(series))
    answered = client.post(f"/rcp/demandes/{case.public_id}/suivi/", {"applied": "yes"})
    assert (edited.status_code, answered.status_code) == (404, 404)
    case.refresh_from_db()
    assert case.question_type != "off_label"
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, actor=coordinator, object_id=str(case.public_id)
    ).exists()
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.ACCESS_DENIED,
            actor=coordinator,
            patient_id=patient_a.public_id,
        ).count()
        == 4
    )
    assert client_for(alice).get(f"/rcp/demandes/{case.public_id}/suivi/").status_code == 200


def test_the_requester_completes_a_returned_request(
    series: MeetingSeries,
    coordinator: User,
    alice: User,
    patient_a: Patient,
    client_for: ClientFor,
) -> None:
    case = make_case(series, alice, patient_a)
    services.case_return(actor=coordinator, case=case, note="Précisez la question.")
    data = _form(series)
    response = client_for(alice).post(f"/rcp/demandes/{case.public_id}/modifier/", data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted"
    assert case.question_type == "off_label"


def test_the_triage_queue_has_a_fixed_query_count(
    series: MeetingSeries,
    coordinator: User,
    alice: User,
    centre_a: Centre,
    nomenclature: None,
    client_for: ClientFor,
) -> None:
    client = client_for(coordinator)
    url = f"/rcp/series/{series.public_id}/"
    make_case(series, alice, make_patient(centre_a))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        make_case(series, alice, make_patient(centre_a))
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many) == len(few)
    assert html.count('data-testid="triage-link"') == 5


def test_the_same_request_sent_twice_makes_one_case(
    series: MeetingSeries, alice: User, patient_a: Patient, client_for: ClientFor
) -> None:
    """Issue 13, finding 12: a double click made two RCP requests."""
    client = client_for(alice)
    data = with_form_token(_form(series, pseudonym=patient_a.pseudonym))
    first = client.post("/rcp/demandes/nouvelle/", data)
    again = client.post("/rcp/demandes/nouvelle/", data, follow=True)

    case = CaseRequest.objects.get()
    assert first["Location"] == f"/rcp/demandes/{case.public_id}/"
    assert again.redirect_chain[0][0] == first["Location"]
    assert "Ce formulaire a déjà été envoyé." in again.content.decode()
