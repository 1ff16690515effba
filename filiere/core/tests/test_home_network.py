"""The network coordinator's block of the home page: the network's key counts (patients, active
centres, meetings this year, off-label treatments), and a user with several roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.core.corrections import record_withdraw
from filiere.core.tests.home_counts import PAGE_QUERIES, home_counts
from filiere.followup import services as followup
from filiere.followup.tests.helpers import rfviia_off_label
from filiere.meetings import services as meetings
from filiere.network.models import Centre, Role
from filiere.network.services import centre_update
from filiere.patients.models import Patient
from filiere.patients.services import diagnosis_record
from filiere.testing.factories import give_role, glanzmann_values, make_centre, make_patient
from filiere.testing.meetings import make_meeting, make_series

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
PATIENTS = "Patients dans le registre"
CENTRES = "Centres actifs"
MEETINGS = "RCP tenues ou prévues cette année"
OFF_LABEL = "Traitements hors AMM suivis"


@pytest.fixture
def atc(db: None) -> None:
    followup.atc_import_file(actor=SYSTEM)


def _this_year(month: int, day: int) -> dt.datetime:
    year = timezone.localdate().year
    return dt.datetime(year, month, day, 14, 0, tzinfo=timezone.get_current_timezone())


def test_the_network_key_counts(
    network_coordinator: User,
    centre_a: Centre,
    centre_b: Centre,
    patient_a: Patient,
    atc: None,
    client_for: Login,
) -> None:
    make_patient(centre_b)
    centre_update(actor=SYSTEM, centre=make_centre(name="Centre fermé"), is_active=False)
    series = make_series(centre_a)
    make_meeting(series, starts_at=_this_year(1, 15))
    make_meeting(series, starts_at=_this_year(1, 1) - dt.timedelta(days=10))  # last year
    cancelled = make_meeting(series, starts_at=_this_year(2, 15))
    meetings.meeting_cancel(actor=SYSTEM, meeting=cancelled)
    glanzmann = diagnosis_record(
        actor=SYSTEM, patient=patient_a, centre=centre_a, **glanzmann_values()
    )
    rfviia_off_label(patient_a, centre_a, glanzmann)
    withdrawn = rfviia_off_label(patient_a, centre_a, glanzmann)
    record_withdraw(actor=SYSTEM, record=withdrawn, reason="Saisie en double.")

    counts = home_counts(client_for(network_coordinator))

    assert counts["network_coordinator"] == {PATIENTS: 2, CENTRES: 2, MEETINGS: 1, OFF_LABEL: 1}


def test_a_clinician_has_no_network_block(
    alice: User, patient_a: Patient, client_for: Login
) -> None:
    assert "network_coordinator" not in home_counts(client_for(alice))


def test_a_user_with_several_roles_sees_each_block(
    alice: User, centre_a: Centre, client_for: Login
) -> None:
    give_role(alice, centre_a, Role.DATA_MANAGER)
    give_role(alice, centre_a, Role.RCP_COORDINATOR)

    counts = home_counts(client_for(alice))

    assert list(counts) == ["clinician", "rcp_coordinator", "data_manager"]


def test_a_user_without_a_block_sees_no_attention_section(auditor: User, client_for: Login) -> None:
    assert 'data-testid="attention"' not in client_for(auditor).get("/").content.decode()


def test_anonymous_visitors_still_go_to_the_login_page(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_network_home_page_query_count(
    network_coordinator: User,
    centre_a: Centre,
    patient_a: Patient,
    client_for: Login,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_for(network_coordinator)
    client.get("/")
    for _ in range(3):
        make_patient(centre_a)
    # One query per count (four, and the undelivered e-mails).
    with django_assert_max_num_queries(PAGE_QUERIES + 5):
        assert client.get("/").status_code == 200
