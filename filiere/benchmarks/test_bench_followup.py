"""Follow-up hot paths: a centre's overdue worklist, a care card PDF, the observatory page.

They run on the benchmark registry (the ``registry`` fixture, ``BENCH_PATIENTS`` patients in three
centres), to which ``ensure_followup`` gives 10 visits each, a due date (half of them overdue)
and, for one patient in ten, an off-label rFVIIa treatment. The pages are timed through the test
client, as a user sees them.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.benchmarks.followup_data import VISITS_PER_PATIENT, ensure_followup
from filiere.followup.models import AtcCode, Visit
from filiere.followup.services import atc_import_file
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_user

pytestmark = [pytest.mark.bench]


@pytest.fixture
def cohort(registry: dict[str, Any], db: None) -> dict[str, Any]:
    if not AtcCode.objects.filter(code="B02BD08").exists():
        atc_import_file(actor=None)
    started = time.perf_counter()
    written = ensure_followup(timezone.localdate())
    if written["visits"]:
        print(
            f"\nSuivi de mesure : {written['visits']} visites, {written['schedules']} échéances, "
            f"{written['treatments']} traitements hors AMM (écrits en "
            f"{time.perf_counter() - started:.1f} s)"
        )
    centre: Centre = registry["centre"]
    coordinator = User.objects.filter(email="mesure.coordination@hopital.test").first()
    if coordinator is None:
        coordinator = make_user(email="mesure.coordination@hopital.test")
        give_role(coordinator, centre, Role.NETWORK_COORDINATOR)
    patient = (
        Patient.objects.filter(care_episodes__centre=centre, pseudonym__startswith="BEN-")
        .order_by("-pk")
        .first()
    )
    assert patient is not None
    return {
        "centre": centre,
        "patient": patient,
        "clinician": registry["user"],
        "coord": coordinator,
    }


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
