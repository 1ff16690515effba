"""The patient list's cells, as a clinician reads them (``patients/list_rows.py``)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access import ROLE_CAPABILITIES, Capability
from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.lib.partial_dates import PartialDate
from filiere.network.models import Centre, Role
from filiere.patients.models import DiagnosisStatus, Patient
from filiere.patients.services import diagnosis_record, patient_update_status
from filiere.testing.factories import give_role, glanzmann_values, make_user

ClientFor = Callable[[User], Client]


def _row_of(html: str, patient: Patient) -> list[str]:
    row = re.search(rf"<tr>\s*<td><a href=\"/patients/{patient.public_id}/\">.*?</tr>", html, re.S)
    assert row is not None
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row[0])]


def test_a_row_prints_each_cell_of_the_patient(
    patient_a: Patient, centre_a: Centre, alice: User, client_for: ClientFor
) -> None:
    diagnosis_record(actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values())
    diagnosis_record(
        actor=SYSTEM,
        patient=patient_a,
        centre=centre_a,
        **glanzmann_values(
            orpha_code=None, icd10_code="D69.1", genes=[], status=DiagnosisStatus.ONGOING
        ),
    )
    patient_update_status(
        actor=SYSTEM, patient=patient_a, vital_status="deceased", death_date=PartialDate(2024, 2)
    )
    patient_a.refresh_from_db()
    cells = _row_of(client_for(alice).get("/patients/").content.decode(), patient_a)
    link, name, sex, birth, diagnoses, centres, next_visit, updated = cells
    assert f">{patient_a.pseudonym}</a>" in link
    assert '<span class="badge">décédé</span>' in link
    assert name == "Lefèvre Élodie"
    assert sex == patient_a.get_sex_display()
    assert birth == "17/05/1990"
    assert '<span class="badge badge-ok">Confirmé</span>' in diagnoses
    assert '<span class="badge badge-warn">En cours</span>' in diagnoses
    assert "ORPHA:849 Thrombasthénie" in diagnoses
    assert "D69.1" in diagnoses
    assert centres == f"<div>{centre_a}</div>"
    assert next_visit == patient_a.followup_schedule.next_due_on.strftime("%m/%Y")
    assert updated == timezone.localtime(patient_a.updated_at).strftime("%d/%m/%Y")


def test_a_row_without_identity_shows_the_birth_month(
    monkeypatch: pytest.MonkeyPatch, patient_a: Patient, centre_a: Centre, client_for: ClientFor
) -> None:
    # A network whose data managers work on pseudonymised records (see test_list_identity).
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.DATA_MANAGER,
        ROLE_CAPABILITIES[Role.DATA_MANAGER] - {Capability.VIEW_IDENTITY},
    )
    data_manager = make_user()
    give_role(data_manager, centre_a, Role.DATA_MANAGER)
    html = client_for(data_manager).get("/patients/").content.decode()
    cells = _row_of(html, patient_a)
    assert len(cells) == 7  # no identity column
    assert cells[2] == "05/1990"
    assert "17/05/1990" not in html
