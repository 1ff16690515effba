"""The follow-up API: the same services and refusals as the pages, in JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.models import BleedingScore, Treatment
from filiere.followup.rhythm import add_months
from filiere.followup.tests.helpers import record_visit, rfviia_off_label
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("atc")


def _url(patient: Patient, resource: str) -> str:
    return f"/api/v1/suivi/patients/{patient.public_id}/{resource}"


def _post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def test_an_isth_bat_transcribed_from_paper_is_scored(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = _post(
        client,
        _url(patient_a, "isth-bat"),
        {
            "centre_id": str(centre_a.public_id),
            "assessed_on": "2024-03-01",
            "domain_scores": {"epistaxis": 3, "menorrhagia": 4},
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["total"], body["cutoff"], body["abnormal"]) == (7, 6, True)
    assert body["domain_scores"]["cns"] == 0
    listed = client.get(_url(patient_a, "isth-bat")).json()
    assert [s["id"] for s in listed] == [body["id"]]
    assert AuditEvent.objects.filter(
        action="view", patient_id=patient_a.public_id, summary__contains="API"
    ).exists()


def test_an_impossible_score_is_refused_in_french_naming_the_domain(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    response = _post(
        client_for(alice),
        _url(patient_a, "isth-bat"),
        {
            "centre_id": str(centre_a.public_id),
            "assessed_on": "2024-03-01",
            "domain_scores": {"cns": 1},
        },
    )
    assert response.status_code == 422
    (error,) = response.json()["erreurs"]
    assert error["champ"] == "cns"
    assert "valeurs permises : 0, 3, 4" in error["message"]
    assert not BleedingScore.objects.exists()


def test_an_off_label_treatment_without_framework_is_refused(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    data = {
        "centre_id": str(centre_a.public_id),
        "kind": "administration",
        "atc_code": "B02BD08",
        "diagnosis_id": str(glanzmann.public_id),
        "started_on": "2024-06-01",
        "indication": "bleed",
        "regulatory_status": "off_label",
    }
    client = client_for(alice)
    response = _post(client, _url(patient_a, "traitements"), data)
    assert response.status_code == 422
    fields = {e["champ"] for e in response.json()["erreurs"]}
    assert fields == {"off_label_framework", "justification"}
    data |= {"off_label_framework": "cpc", "justification": "Avis de RCP."}
    created = _post(client, _url(patient_a, "traitements"), data)
    assert created.status_code == 201
    assert created.json()["diagnosis_orpha_code"] == 849
    assert Treatment.objects.count() == 1


def test_an_adverse_event_names_a_treatment_of_the_same_patient(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    treatment = rfviia_off_label(patient_a, centre_a, glanzmann)
    data = {
        "centre_id": str(centre_a.public_id),
        "treatment_id": str(treatment.public_id),
        "occurred_on": "2024-06-02",
        "category": "allergic_acute",
        "description": "Urticaire.",
        "outcome": "recovered",
    }
    client = client_for(alice)
    assert _post(client, _url(patient_a, "evenements-indesirables"), data).status_code == 201
    data["treatment_id"] = "0b4c2a63-8a37-4b8e-9d0e-5c6f1d7e9a11"
    refused = _post(client, _url(patient_a, "evenements-indesirables"), data)
    assert refused.status_code == 422
    assert refused.json()["erreurs"][0]["champ"] == "treatment_id"


def test_an_outsider_can_neither_read_nor_write(
    patient_a: Patient, centre_a: Centre, charlie: User, client_for: ClientFor
) -> None:
    client = client_for(charlie)
    for resource in ("visites", "isth-bat", "traitements"):
        assert client.get(_url(patient_a, resource)).status_code == 404
    response = _post(
        client,
        _url(patient_a, "visites"),
        {"centre_id": str(centre_a.public_id), "visited_on": "2024-01-01"},
    )
    assert response.status_code == 404
    assert not patient_a.followup_visits.exists()


def test_a_visit_and_the_centres_overdue_list(
    patient_a: Patient, centre_a: Centre, alice: User, charlie: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = _post(
        client,
        _url(patient_a, "visites"),
        {
            "centre_id": str(centre_a.public_id),
            "visited_on": add_months(timezone.localdate(), -30).isoformat(),
            "weight_kg": "61.5",
        },
    )
    assert response.status_code == 201
    overdue = client.get(f"/api/v1/suivi/centres/{centre_a.public_id}/retards").json()
    assert [row["pseudonym"] for row in overdue] == [patient_a.pseudonym]
    other = client_for(charlie).get(f"/api/v1/suivi/centres/{centre_a.public_id}/retards")
    assert other.status_code == 404


def test_a_visit_in_the_future_is_refused(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _post(
        client_for(alice),
        _url(patient_a, "visites"),
        {"centre_id": str(centre_a.public_id), "visited_on": tomorrow.isoformat()},
    )
    assert response.status_code == 422
    assert response.json()["erreurs"] == [
        {"champ": "visited_on", "message": "La date de la visite est dans le futur."}
    ]


def test_only_network_coordinators_read_the_observatory(
    patient_a: Patient,
    centre_a: Centre,
    glanzmann: Diagnosis,
    alice: User,
    network_coordinator: User,
    client_for: ClientFor,
) -> None:
    rfviia_off_label(patient_a, centre_a, glanzmann)
    record_visit(patient_a, centre_a, dt.date(2024, 1, 1))
    assert client_for(alice).get("/api/v1/suivi/observatoire").status_code == 404
    (cohort,) = client_for(network_coordinator).get("/api/v1/suivi/observatoire").json()
    assert (cohort["atc_code"], cohort["patients"], cohort["framework"]) == (
        "B02BD08",
        "< 5",  # a cohort of one patient is a person (issue 13)
        "Cadre de prescription compassionnelle (CPC)",
    )


def test_what_a_bleed_was_recorded_with_is_read_back(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    """Every field a client may write on a bleed comes back on reading (no write-only field)."""
    client = client_for(alice)
    created = _post(
        client,
        _url(patient_a, "saignements"),
        {
            "centre_id": str(centre_a.public_id),
            "occurred_on": "2024-06-01",
            "site": "epistaxis",
            "severity": "major",
            "site_detail": "narine gauche",
            "treatment_given": "méchage, acide tranexamique",
            "comment": "Saignement après un rhume ; méchage aux urgences.",
        },
    )
    assert created.status_code == 201, created.content
    (listed,) = client.get(_url(patient_a, "saignements")).json()
    assert listed["comment"] == "Saignement après un rhume ; méchage aux urgences."
    assert listed["site_detail"] == "narine gauche"
    assert listed["treatment_given"] == "méchage, acide tranexamique"


def test_the_comments_of_visits_scores_and_treatments_are_read_back(
    patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis, alice: User, client_for: ClientFor
) -> None:
    record_visit(
        patient_a,
        centre_a,
        dt.date(2024, 3, 1),
        factor_viii=85,
        other_results="Ferritine 12 µg/L",
        comment="Fatigue depuis deux mois.",
    )
    rfviia_off_label(patient_a, centre_a, glanzmann, comment="Trois injections à 2 h.")
    client = client_for(alice)
    _post(
        client,
        _url(patient_a, "isth-bat"),
        {
            "centre_id": str(centre_a.public_id),
            "assessed_on": "2024-03-01",
            "domain_scores": {"epistaxis": 3},
            "comment": "Entretien avec la mère.",
        },
    )
    (visit,) = client.get(_url(patient_a, "visites")).json()
    assert visit["comment"] == "Fatigue depuis deux mois."
    assert visit["other_results"] == "Ferritine 12 µg/L"
    assert float(visit["factor_viii"]) == 85
    (treatment,) = client.get(_url(patient_a, "traitements")).json()
    assert treatment["comment"] == "Trois injections à 2 h."
    assert treatment["justification"].startswith("Pas de réfractarité")
    (score,) = client.get(_url(patient_a, "isth-bat")).json()
    assert score["comment"] == "Entretien avec la mère."
