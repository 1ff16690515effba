"""The treatment observatory: network coordinators only; cohorts of off-label prescriptions with
their outcomes and adverse events; an aggregated export without any identity trait."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.followup.observatory import ObservatoryFilters, cohorts
from filiere.followup.services import adverse_event_record, bleeding_event_record
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.identity.models import Identity
from filiere.network.models import Centre
from filiere.patients.models import Diagnosis, Patient
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import glanzmann_values, make_patient

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("atc")


@pytest.fixture
def cohort(patient_a: Patient, centre_a: Centre, glanzmann: Diagnosis) -> list[Patient]:
    """Two Glanzmann patients treated with rFVIIa off-label: three bleeds, one thrombosis."""
    other = make_patient(centre_a, birth_name="Hyperlien", sex="M")
    other_glanzmann = diagnosis_record(
        actor=SYSTEM, patient=other, centre=centre_a, **glanzmann_values()
    )
    for patient, diagnosis, outcome in (
        (patient_a, glanzmann, "effective"),
        (patient_a, glanzmann, "ineffective"),
        (other, other_glanzmann, "effective"),
    ):
        bleed = bleeding_event_record(
            actor=SYSTEM,
            patient=patient,
            centre=centre_a,
            occurred_on=dt.date(2024, 6, 1),
            site="epistaxis",
            severity="major",
        )
        treatment = rfviia_off_label(
            patient, centre_a, diagnosis, bleeding_event=bleed, outcome=outcome
        )
    adverse_event_record(
        actor=SYSTEM,
        patient=other,
        centre=centre_a,
        treatment=treatment,
        occurred_on=dt.date(2024, 6, 2),
        category="thrombosis",
        description="Thrombose superficielle.",
        outcome="recovered",
        serious=True,
    )
    return [patient_a, other]


def test_the_rfviia_glanzmann_cohort_counts_patients_outcomes_and_events(
    cohort: list[Patient],
) -> None:
    (row,) = cohorts(ObservatoryFilters())
    assert (row.atc_code, row.orpha_code, row.framework) == (
        "B02BD08",
        849,
        "Cadre de prescription compassionnelle (CPC)",
    )
    assert (row.patients, row.treatments, row.bleeds_treated) == (2, 3, 3)
    assert (row.bleeds_effective, row.bleeds_assessed, row.success_rate) == (2, 3, 66.7)
    assert (row.adverse_events, row.serious_adverse_events) == (1, 1)
    assert cohorts(ObservatoryFilters(framework="aac")) == []


def test_only_network_coordinators_reach_the_observatory(
    cohort: list[Patient], alice: User, charlie: User, auditor: User, client_for: ClientFor
) -> None:
    for user in (alice, charlie, auditor):
        client = client_for(user)
        assert client.get("/suivi/observatoire/").status_code == 404
        assert client.get("/suivi/observatoire/export.csv").status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
    assert AuditEvent.objects.filter(action="access_denied").count() == 6


def test_the_observatory_page_in_a_fixed_number_of_queries(
    cohort: list[Patient], centre_a: Centre, network_coordinator: User, client_for: ClientFor
) -> None:
    client = client_for(network_coordinator)
    with CaptureQueriesContext(connection) as few:
        html = client.get("/suivi/observatoire/").content.decode()
    assert "eptacog alfa activé" in html
    # Two patients, three bleeds: counts below 5 are not shown, nor the rate they would give.
    assert "&lt; 5/&lt; 5 évalués" in html
    assert "66.7" not in html
    assert "66,7" not in html
    patient = make_patient(centre_a)
    diagnosis = diagnosis_record(
        actor=SYSTEM, patient=patient, centre=centre_a, **glanzmann_values()
    )
    # Concizumab: 0,2 mg/kg a day under the skin (Alhemo SmPC 4.2).
    rfviia_off_label(
        patient,
        centre_a,
        diagnosis,
        atc_code="B02BX10",
        dose=Decimal("0.2"),
        dose_unit="mg/kg",
        route="sc",
    )
    with CaptureQueriesContext(connection) as many:
        html = client.get("/suivi/observatoire/").content.decode()
    assert "concizumab" in html
    assert len(many) == len(few)
    assert AuditEvent.objects.filter(object_type="followup.observatory", action="view").exists()


def test_the_export_is_aggregated_and_audited(
    cohort: list[Patient], network_coordinator: User, client_for: ClientFor
) -> None:
    response = client_for(network_coordinator).get("/suivi/observatoire/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert lines[0].startswith("code_atc;medicament;code_orpha")
    assert len(lines) == 3  # header and two strata (a woman, a man), one patient each
    assert all(line.endswith(";< 5;< 5") for line in lines[1:])
    for patient in cohort:
        assert patient.pseudonym not in text
        assert str(patient.public_id) not in text
        identity = Identity.objects.get(link=patient.identity_link)
        for trait in (identity.birth_name, identity.first_given_name, identity.ipp):
            assert not trait or trait not in text
        assert identity.birth_date.isoformat() not in text
    assert "HYPERLIEN" not in text.upper()
    assert "Pas de réfractarité" not in text  # free text never leaves
    assert "2024-06" not in text
    assert ";2024;" in text
    event = AuditEvent.objects.get(action="export", object_type="followup.observatory")
    assert event.actor == network_coordinator
    assert "2 strate(s)" in event.summary
