"""The patient's pages read the patient's centres once to decide both whether the reader sees
the patient and what she may do with it (``selectors.get_patient_and_rights``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.accounts.models import User
from filiere.patients.models import Patient

ClientFor = Callable[[User], Client]


def _care_episode_reads(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if '"patients_careepisode"' in q["sql"]]


@pytest.mark.parametrize(
    ("page", "reads"),
    [
        # The rights, then the care episodes the page lists.
        ("/patients/{}/", 2),
        ("/suivi/patients/{}/", 1),
    ],
)
def test_the_patient_centres_are_read_once_for_access_and_rights(
    page: str, reads: int, patient_a: Patient, alice: User, client_for: ClientFor
) -> None:
    found = _care_episode_reads(client_for(alice), page.format(patient_a.public_id))
    assert len(found) == reads, found


def test_a_clinician_of_another_centre_still_meets_the_refusal(
    patient_a: Patient, charlie: User, client_for: ClientFor
) -> None:
    for page in ("/patients/{}/", "/suivi/patients/{}/"):
        response = client_for(charlie).get(page.format(patient_a.public_id))
        assert response.status_code == 404
