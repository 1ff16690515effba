"""Uniqueness checks do not reveal another centre's patients (issue 13, finding 2).

Alice (centre A) types the INS, or the name and birth date, of Charlie's patient (centre B):
the answer does not say that such a patient exists elsewhere; the data managers get a
suspected duplicate to examine, and the attempt is in the audit trail with the patient's id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.identity.models import DuplicateSuspicion, Identity
from filiere.identity.services import INS_NIR_OID
from filiere.lib.identifiers import nir_key
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_patient, with_form_token

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("nomenclature")

REVEALING = "un autre patient"  # "Ce matricule INS est déjà celui d'un autre patient…"
# A girl born in May 1990 (NIR: sex 2, year 90, month 05), as the factories' default identity.
INS = "2900575056123" + f"{nir_key('2900575056123'):02d}"
IDENTITY_FORM = {
    "birth_name": "Lefèvre",
    "birth_first_names": "Élodie Marie",
    "first_given_name": "Élodie",
    "birth_date": "1990-05-17",
    "sex": "F",
    "status": "provisional",
}


@pytest.fixture
def lille_patient(centre_b: Centre) -> Patient:
    return make_patient(
        centre_b,
        birth_name="Vasseur",
        first_given_name="Maëlle",
        birth_date=dt.date(1990, 5, 17),
        ins_matricule=INS,
        ins_oid=INS_NIR_OID,
    )


def test_typing_another_centres_ins_does_not_reveal_it(
    patient_a: Patient, lille_patient: Patient, alice: User, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        f"/patients/{patient_a.public_id}/identite/",
        with_form_token(IDENTITY_FORM | {"ins_matricule": INS, "ins_oid": INS_NIR_OID}),
    )
    html = response.content.decode()
    assert response.status_code == 200  # the form again, nothing saved
    assert REVEALING not in html
    assert "gestionnaire de données" in html
    assert Identity.objects.get(link=patient_a.identity_link).ins_matricule == ""
    links = sorted([patient_a.identity_link, lille_patient.identity_link], key=str)
    suspicion = DuplicateSuspicion.objects.get(first_link=links[0], second_link=links[1])
    assert suspicion.reason == DuplicateSuspicion.Reason.SAME_INS
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED, actor=alice).get()
    assert refused.patient_id == patient_a.public_id
    assert INS not in str(refused.changes) + refused.summary


def test_registering_another_centres_ins_does_not_reveal_it(
    lille_patient: Patient, alice: User, centre_a: Centre, client_for: ClientFor
) -> None:
    response = client_for(alice).post(
        "/api/v1/patients",
        json.dumps(
            {
                "centre_id": str(centre_a.public_id),
                "inclusion_date": "2021-03",
                "referred_by": ["ORG-183"],
                "identity": {
                    "birth_name": "Petit",
                    "birth_first_names": "Jade",
                    "first_given_name": "Jade",
                    "birth_date": "1990-05-17",
                    "sex": "F",
                    "ins_matricule": INS,
                    "ins_oid": INS_NIR_OID,
                },
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    (error,) = response.json()["erreurs"]
    assert error["champ"] == "ins_matricule"
    assert REVEALING not in error["message"]
    assert "gestionnaire de données" in error["message"]
    assert Patient.objects.count() == 1  # the Lille patient only: nothing half-written
    refused = AuditEvent.objects.filter(action=AuditEvent.Action.REFUSED, actor=alice).get()
    assert refused.patient_id == lille_patient.public_id


def test_registering_another_centres_name_and_birth_date_says_nothing(
    lille_patient: Patient, alice: User, centre_a: Centre, client_for: ClientFor
) -> None:
    """The suspicion goes to the data managers; Alice is not told that Maëlle Vasseur, born on
    17 May 1990, is known elsewhere."""
    response = client_for(alice).post(
        "/patients/inclure/",
        with_form_token(
            {
                "centre": centre_a.pk,
                "birth_name": "VASSEUR",
                "birth_first_names": "Maëlle",
                "first_given_name": "Maëlle",
                "birth_date": "1990-05-17",
                "sex": "F",
                "status": "provisional",
                "inclusion_date": "03/2021",
                "referred_by": ["ORG-183"],
            }
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert Patient.objects.count() == 2
    assert "Doublon possible" not in response.content.decode()
    assert DuplicateSuspicion.objects.count() == 1
