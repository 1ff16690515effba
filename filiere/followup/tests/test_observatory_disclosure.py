"""The observatory publishes counts, never a person (issue 13, finding 5: with 40 patients every
one was unique on sex, age, ORPHA and centre with month dates, and the API returned cells of one
patient)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import glanzmann_values, make_patient

ClientFor = Callable[[User], Client]
pytestmark = pytest.mark.usefixtures("atc", "nomenclature")

SMALL = {"1", "2", "3", "4"}  # counts that point at a person


@pytest.fixture
def forty(centre_a: Centre, centre_b: Centre) -> list[Patient]:
    """40 Glanzmann patients treated with rFVIIa off-label: 30 under a CPC (3 of them
    children), 8 under an AAC, 2 under an AAP."""
    patients = []
    for i in range(40):
        child = i < 3
        centre = centre_a if i % 2 else centre_b
        patient = make_patient(
            centre,
            sex="F" if i % 3 else "M",
            birth_date=dt.date(2015, 2, 1) if child else dt.date(1990, 5, 17),
        )
        diagnosis = diagnosis_record(
            actor=SYSTEM, patient=patient, centre=centre, **glanzmann_values(diagnosis_date=None)
        )
        framework = "cpc" if i < 30 else "aac" if i < 38 else "aap"
        rfviia_off_label(
            patient,
            centre,
            diagnosis,
            off_label_framework=framework,
            started_on=dt.date(2024, 1 + i % 12, 1),
            ended_on=None,
        )
        patients.append(patient)
    return patients


def test_the_export_is_aggregated_with_small_cells_suppressed(
    forty: list[Patient], network_coordinator: User, client_for: ClientFor
) -> None:
    response = client_for(network_coordinator).get("/suivi/observatoire/export.csv")
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").strip().split("\r\n")
    header = lines[0].split(";")
    assert "patients" in header
    assert "code_patient_export" not in header
    assert len(lines) - 1 < 40  # strata, not one row per patient
    cells = [dict(zip(header, line.split(";"), strict=True)) for line in lines[1:]]
    for cell in cells:
        assert cell["patients"] not in SMALL
        assert cell["traitements"] not in SMALL
        assert cell["annee_debut"] == "2024"  # years, not months
    assert "2024-0" not in response.content.decode()
    assert any(cell["patients"] == "< 5" for cell in cells)
    # The CPC cohort (30, published on the page) has a small stratum of children: another of
    # its strata is hidden too, so that the children cannot be recomputed from the total.
    cpc = [c for c in cells if c["cadre_hors_amm"].endswith("(CPC)")]
    assert len([c for c in cpc if not c["patients"].isdigit()]) >= 2


def test_the_api_shows_no_cohort_of_fewer_than_five_patients(
    forty: list[Patient], network_coordinator: User, client_for: ClientFor
) -> None:
    rows = client_for(network_coordinator).get("/api/v1/suivi/observatoire").json()
    by_framework = {row["framework"][-4:-1]: row for row in rows}
    assert by_framework["AAP"]["patients"] == "< 5"  # 2 patients
    assert by_framework["CPC"]["patients"] == 30
    # 2 would follow from the total of 40 and the 8 under an AAC: the 8 is hidden too.
    assert by_framework["AAC"]["patients"] == "masqué"
    for row in rows:
        assert row["patients"] not in (1, 2, 3, 4)
        assert row["treatments"] not in (1, 2, 3, 4)
        assert row["adverse_events"] not in (1, 2, 3, 4)
