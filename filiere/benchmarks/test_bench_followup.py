"""Follow-up hot paths: a centre's overdue worklist, a care card PDF, the observatory page.

``BENCH_SIZE`` patients of one centre (``make bench``: 2,000), each with 10 visits, a due date
(half of them overdue) and an off-label rFVIIa treatment for Glanzmann thrombasthenia. The data
are bulk-inserted (the services are timed elsewhere); the pages are timed through the test
client, as a user sees them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.followup.models import AtcCode, FollowUpSchedule, Treatment, Visit
from filiere.followup.services import atc_import_file
from filiere.lib.pseudonyms import new_pseudonym
from filiere.network.models import Centre, Role
from filiere.nomenclature.models import OrphaConcept
from filiere.patients.models import CareEpisode, Diagnosis, Patient
from filiere.testing.factories import give_role, load_test_nomenclature, make_centre, make_user

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

VISITS_PER_PATIENT = 10


@pytest.fixture
def cohort(bench_size: int) -> dict[str, Any]:
    load_test_nomenclature()
    atc_import_file(actor=None)
    centre = make_centre(name="CRPP de test")
    today = timezone.localdate()
    patients = Patient.objects.bulk_create(
        Patient(pseudonym=new_pseudonym(), sex="F", birth_year=1980 + i % 30, birth_month=3)
        for i in range(bench_size)
    )
    CareEpisode.objects.bulk_create(
        CareEpisode(patient=p, centre=centre, inclusion_year=2010, referred_by=["ORG-182"])
        for p in patients
    )
    glanzmann = OrphaConcept.objects.get(code=849)
    diagnoses = Diagnosis.objects.bulk_create(
        Diagnosis(
            patient=p,
            orpha=glanzmann,
            status="confirmed",
            centre=centre,
            onset_category="373068000",
            clinical_dx_category="373068000",
            genetic_dx_category="373068000",
        )
        for p in patients
    )
    Visit.objects.bulk_create(
        Visit(patient=p, centre=centre, visited_on=today - dt.timedelta(days=200 * (k + 1)))
        for p in patients
        for k in range(VISITS_PER_PATIENT)
    )
    FollowUpSchedule.objects.bulk_create(
        FollowUpSchedule(
            patient=p,
            last_visit_on=today - dt.timedelta(days=200),
            anchor_on=today - dt.timedelta(days=200 + 400 * (i % 2)),
            interval_months=12,
            next_due_on=today + dt.timedelta(days=165 - 400 * (i % 2)),
        )
        for i, p in enumerate(patients)
    )
    rfviia = AtcCode.objects.get(code="B02BD08")
    Treatment.objects.bulk_create(
        Treatment(
            patient=p,
            centre=centre,
            diagnosis=d,
            kind="administration",
            category="rfviia",
            atc=rfviia,
            started_on=dt.date(2024, 1, 1) + dt.timedelta(days=i % 300),
            indication="bleed",
            regulatory_status="off_label",
            off_label_framework="cpc" if i % 3 else "aac",
            justification="Pas de réfractarité plaquettaire.",
            outcome=("effective", "partial", "ineffective")[i % 3],
        )
        for i, (p, d) in enumerate(zip(patients, diagnoses, strict=True))
    )
    clinician = make_user(email="bench.clinicienne@hopital.test")
    give_role(clinician, centre, Role.CLINICIAN)
    coordinator = make_user(email="bench.coordination@hopital.test")
    give_role(coordinator, centre, Role.NETWORK_COORDINATOR)
    return {"centre": centre, "patient": patients[0], "clinician": clinician, "coord": coordinator}


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
    client = _client(cohort["clinician"])
    response = benchmark(client.get, f"/suivi/patients/{patient.public_id}/carte-de-soins.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_bench_observatory_page(benchmark: Any, cohort: dict[str, Any]) -> None:
    client = _client(cohort["coord"])
    response = benchmark(client.get, "/suivi/observatoire/")
    assert response.status_code == 200
    assert "eptacog alfa activé" in response.content.decode()
