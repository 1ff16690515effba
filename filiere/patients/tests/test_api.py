"""The registry API: same rights, same validation, same audit as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient

ClientFor = Callable[[User], Client]


def post_json(client: Client, url: str, data: object) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


DIAGNOSIS = {
    "orpha_code": "ORPHA:849",
    "status": "confirmed",
    "diagnosis_date": "2015-06",
    "onset_category": "255407002",
    "clinical_dx_category": "767023003",
    "clinical_dx_years": 4,
    "genetic_dx_category": "373068000",
    "genes": ["ITGB3"],
}


def test_list_and_detail_are_scoped_and_audited(
    patient_a: Patient, alice: User, charlie: User, client_for: ClientFor
) -> None:
    alice_client = client_for(alice)
    listed = alice_client.get("/api/v1/patients").json()
    assert [p["pseudonym"] for p in listed] == [patient_a.pseudonym]
    detail = alice_client.get(f"/api/v1/patients/{patient_a.public_id}").json()
    assert detail["pseudonym"] == patient_a.pseudonym
    assert "birth_name" not in json.dumps(detail)
    record_reads = AuditEvent.objects.filter(
        action="view", patient_id=patient_a.public_id, summary="Consultation : API dossier"
    )
    assert record_reads.count() == 1
    charlie_client = client_for(charlie)
    assert charlie_client.get("/api/v1/patients").json() == []
    assert charlie_client.get(f"/api/v1/patients/{patient_a.public_id}").status_code == 404
    assert charlie_client.get(f"/api/v1/patients/{patient_a.public_id}/identite").status_code == 404


def test_identity_is_a_separate_audited_endpoint(
    patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).get(f"/api/v1/patients/{patient_a.public_id}/identite")
    assert response.json()["birth_name"] == "Lefèvre"
    event = AuditEvent.objects.get(action="view", patient_id=patient_a.public_id)
    assert "identité" in event.summary


def test_search_by_name_in_the_body(patient_a: Patient, alice: User, client_for: ClientFor) -> None:
    found = post_json(client_for(alice), "/api/v1/patients/recherche", {"q": "LEFEVRE"})
    assert [p["id"] for p in found.json()] == [str(patient_a.public_id)]


def test_register_then_add_a_diagnosis(
    centre_a: Centre, alice: User, nomenclature: None, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = post_json(
        client,
        "/api/v1/patients",
        {
            "centre_id": str(centre_a.public_id),
            "inclusion_date": "2021-03",
            "referred_by": ["ORG-183"],
            "identity": {
                "birth_name": "Petit",
                "birth_first_names": "Jade",
                "first_given_name": "Jade",
                "birth_date": "2011-09-30",
                "sex": "F",
            },
        },
    )
    assert response.status_code == 201
    patient_id = response.json()["id"]
    added = post_json(
        client,
        f"/api/v1/patients/{patient_id}/diagnostics",
        DIAGNOSIS | {"centre_id": str(centre_a.public_id)},
    )
    assert added.status_code == 201
    assert added.json()["genes"] == ["ITGB3"]


def test_bad_input_gets_french_messages_naming_the_field_and_changes_nothing(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    response = post_json(
        client_for(alice),
        f"/api/v1/patients/{patient_a.public_id}/diagnostics",
        DIAGNOSIS | {"orpha_code": "ORPHA:1234567", "centre_id": str(centre_a.public_id)},
    )
    assert response.status_code == 422
    errors = response.json()["erreurs"]
    assert errors[0]["champ"] == "orpha_code"
    assert "inconnu" in errors[0]["message"]
    assert Diagnosis.objects.count() == 0


def test_outsiders_cannot_write(
    patient_a: Patient, centre_a: Centre, charlie: User, client_for: ClientFor
) -> None:
    client = client_for(charlie)
    base = f"/api/v1/patients/{patient_a.public_id}"
    assert (
        post_json(
            client, f"{base}/diagnostics", DIAGNOSIS | {"centre_id": str(centre_a.public_id)}
        ).status_code
        == 404
    )
    assert post_json(client, f"{base}/phenotypes", {"hpo_id": "HP:0001873"}).status_code == 404
    assert (
        post_json(
            client,
            f"{base}/genetique",
            {
                "gene": "ITGB3",
                "hgvs": "NM_000212.3:c.1697G>A",
                "zygosity": "homozygous",
                "acmg_class": 5,
                "technique": "panel",
            },
        ).status_code
        == 404
    )
    assert (
        post_json(
            client,
            f"{base}/consentements",
            {
                "kind": "research_contact",
                "answer": True,
                "answered_on": "2024-01-01",
                "information_version": "v1",
            },
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"{base}/diagnostics/00000000-0000-0000-0000-000000000000",
            json.dumps({"status": "refuted"}),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert patient_a.phenotypes.count() == 0
