"""The RCP coordinator's block of the home page: requests waiting for triage in the series they
run, and the next meeting's agenda (date and number of cases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.core.tests.home_counts import PAGE_QUERIES, home_counts
from filiere.meetings import services as meetings
from filiere.network.models import Centre, Role
from filiere.patients.models import Patient
from filiere.testing.factories import give_role, make_user
from filiere.testing.meetings import make_case, make_meeting, make_series

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
TRIAGE = "Demandes d'avis à trier"
AGENDA = "Dossiers à l'ordre du jour de la prochaine RCP"


@pytest.fixture
def sophie(centre_a: Centre) -> User:
    """Sophie, coordinator of the platelet RCP of centre A."""
    user = make_user(email="sophie@hopital.test", first_name="Sophie", last_name="Bernard")
    give_role(user, centre_a, Role.RCP_COORDINATOR)
    return user


@pytest.fixture
def olivier(centre_b: Centre) -> User:
    """Olivier, RCP coordinator at centre B, who does not run centre A's RCP."""
    user = make_user(email="olivier@hopital.test", first_name="Olivier", last_name="Blanc")
    give_role(user, centre_b, Role.RCP_COORDINATOR)
    return user


def _week_ahead() -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0)


def test_requests_to_triage_and_the_next_agenda(
    sophie: User, alice: User, centre_a: Centre, patient_a: Patient, client_for: Login
) -> None:
    series = make_series(centre_a, coordinator=sophie)
    other = make_series(centre_a, name="RCP Hémophilie")  # run by someone else
    make_case(series, alice, patient_a)
    make_case(series, alice, patient_a, is_urgent=True, urgency_justification="Geste dans 48 h.")
    make_case(other, alice, patient_a)
    returned = make_case(series, alice, patient_a)
    meetings.case_return(actor=SYSTEM, case=returned, note="Joindre le bilan d'hémostase.")
    later = make_meeting(series, starts_at=_week_ahead() + dt.timedelta(days=28))
    soon = make_meeting(series, starts_at=_week_ahead())
    make_meeting(series, starts_at=_week_ahead() - dt.timedelta(days=21))  # passed, not closed
    for minutes in (0, 15):
        meetings.case_accept(
            actor=SYSTEM,
            case=make_case(series, alice, patient_a),
            meeting=soon,
            slot_start=soon.starts_at + dt.timedelta(minutes=minutes),
        )
    meetings.case_accept(actor=SYSTEM, case=make_case(series, alice, patient_a), meeting=later)

    client = client_for(sophie)
    counts = home_counts(client)

    assert counts["rcp_coordinator"] == {TRIAGE: 2, AGENDA: 2}
    html = client.get("/").content.decode()
    assert f'href="/rcp/reunions/{soon.public_id}/"' in html
    assert timezone.localtime(soon.starts_at).strftime("%d/%m/%Y %H:%M") in html


def test_a_coordinator_of_another_rcp_sees_zero(
    olivier: User,
    sophie: User,
    alice: User,
    centre_a: Centre,
    patient_a: Patient,
    client_for: Login,
) -> None:
    series = make_series(centre_a, coordinator=sophie)
    make_case(series, alice, patient_a)
    meeting = make_meeting(series, starts_at=_week_ahead())
    meetings.case_accept(actor=SYSTEM, case=make_case(series, alice, patient_a), meeting=meeting)

    client = client_for(olivier)
    counts = home_counts(client)

    assert counts["rcp_coordinator"] == {TRIAGE: 0, AGENDA: 0}
    assert "aucune réunion prévue" in client.get("/").content.decode()


def test_the_rcp_coordinator_home_page_query_count(
    sophie: User,
    alice: User,
    centre_a: Centre,
    patient_a: Patient,
    client_for: Login,
    django_assert_max_num_queries: Any,
) -> None:
    series = make_series(centre_a, coordinator=sophie)
    meeting = make_meeting(series, starts_at=_week_ahead())
    client = client_for(sophie)
    client.get("/")
    for _ in range(3):
        make_case(series, alice, patient_a)
    meetings.case_accept(actor=SYSTEM, case=make_case(series, alice, patient_a), meeting=meeting)
    # One query per count: triage, next meeting, undelivered e-mails.
    with django_assert_max_num_queries(PAGE_QUERIES + 3):
        assert client.get("/").status_code == 200
