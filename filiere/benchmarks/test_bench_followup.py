"""Follow-up hot paths: a centre's overdue worklist, a care card PDF, the observatory page.

They run on the benchmark registry (the ``registry`` fixture, ``BENCH_PATIENTS`` patients in three
centres), to which ``ensure_followup`` gives 10 visits each, a due date (half of them overdue)
and, for one patient in ten, an off-label rFVIIa treatment. The pages are timed through the test
client, as a user sees them.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from filiere.accounts.models import User
from filiere.benchmarks.followup_data import VISITS_PER_PATIENT
from filiere.followup.models import Visit
from filiere.network.models import Centre
from filiere.patients.models import Patient

pytestmark = [pytest.mark.bench]


@pytest.fixture
def cohort(followup_cohort: dict[str, Any], db: None) -> dict[str, Any]:
    return followup_cohort


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bench_overdue_worklist_first_page(benchmark: Any, cohort: dict[str, Any]) -> None:
    centre: Centre = cohort["centre"]
    client = _client(cohort["clinician"])
    response = benchmark(client.get, f"/suivi/centres/{centre.public_id}/")
    assert response.status_code == 200
    assert "jours de retard" in response.content.decode()


def test_bench_care_card_pdf(benchmark: Any, cohort: dict[str, Any]) -> None:
    patient: Patient = cohort["patient"]
    assert Visit.objects.filter(patient=patient).count() == VISITS_PER_PATIENT
    client = _client(cohort["clinician"])
    response = benchmark(client.get, f"/suivi/patients/{patient.public_id}/carte-de-soins.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_bench_observatory_page(benchmark: Any, cohort: dict[str, Any]) -> None:
    client = _client(cohort["coord"])
    response = benchmark(client.get, "/suivi/observatoire/")
    assert response.status_code == 200
    assert "eptacog alfa activé" in response.content.decode()
