"""Every list and search of patients is in the audit trail, once per request, with its query
and its number of rows; refusals carry the patient's id (issue 13, finding 6)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("nomenclature")


def _list_reads(user: User, object_type: str = "patients.patient") -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            actor=user, action=AuditEvent.Action.VIEW, object_type=object_type, object_id=""
        )
    )


def test_the_patient_list_page_is_audited_once_with_its_count(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    make_patient(centre_a)
    assert client_for(alice).get("/patients/?status=confirmed").status_code == 200
    (event,) = _list_reads(alice)
    assert event.changes["lignes"] == 0
    assert event.changes["requête"]["statut"] == "confirmed"


def test_a_name_search_on_the_page_is_audited_with_what_was_searched(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.post("/patients/", {"q": "Lefèvre"})
    client.get(response["Location"])
    (event,) = _list_reads(alice)
    assert event.changes["lignes"] == 1
    assert event.changes["requête"]["type_de_recherche"] == "nom"
    assert event.changes["requête"]["recherche"] == "Lefèvre"


def test_the_api_list_and_search_are_audited(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    assert client.get("/api/v1/patients").status_code == 200
    response = client.post(
        "/api/v1/patients/recherche",
        json.dumps({"q": "Lefèvre"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    listing, search = sorted(_list_reads(alice), key=lambda e: e.pk)
    assert listing.changes["lignes"] == 1
    assert search.changes["requête"]["type_de_recherche"] == "nom"


def test_the_api_list_of_my_rcp_requests_is_audited(alice: User, client_for: ClientFor) -> None:
    assert client_for(alice).get("/api/v1/rcp/demandes").status_code == 200
    (event,) = _list_reads(alice, "meetings.caserequest")
    assert event.changes["lignes"] == 0


def test_the_page_of_my_rcp_requests_is_audited(alice: User, client_for: ClientFor) -> None:
    """The API list was audited, the page listing the same requests was not."""
    assert client_for(alice).get("/rcp/demandes/").status_code == 200
    (event,) = _list_reads(alice, "meetings.caserequest")
    assert event.changes["lignes"] == 0


def test_a_refused_patient_is_recorded_with_its_id(
    patient_a: Patient, charlie: User, client_for: ClientFor
) -> None:
    assert client_for(charlie).get(f"/patients/{patient_a.public_id}/").status_code == 404
    assert client_for(charlie).get(f"/api/v1/patients/{patient_a.public_id}").status_code == 404
    refusals = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, actor=charlie)
    assert refusals.count() == 2
    assert {event.patient_id for event in refusals} == {patient_a.public_id}
