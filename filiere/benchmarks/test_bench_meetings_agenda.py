"""The agenda PDF of a full ordinary RCP (15 cases): target under 300 ms (issue 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.meetings import services
from filiere.meetings.models import Meeting
from filiere.network.models import Role
from filiere.testing.factories import (
    give_role,
    load_test_nomenclature,
    make_centre,
    make_patient,
    make_user,
)
from filiere.testing.meetings import make_case, make_meeting, make_physician, make_series

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

CASES = 15


@pytest.fixture
def full_meeting() -> tuple[Meeting, Any]:
    load_test_nomenclature()
    centre = make_centre(name="Centre de mesure RCP")
    coordinator = make_user(email="mesure.rcp@hopital.test", specialty="haematology", title="dr")
    give_role(coordinator, centre, Role.RCP_COORDINATOR)
    give_role(coordinator, centre, Role.CLINICIAN)
    requester = make_physician(centre, "haematology", email="mesure.demandeur@hopital.test")
    series = make_series(centre, coordinator=coordinator, name="RCP de mesure")
    start = (timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0)
    meeting = make_meeting(series, starts_at=start, duration_minutes=180)
    for index in range(CASES):
        case = make_case(
            series,
            requester,
            make_patient(centre),
            is_urgent=index % 5 == 0,
            urgency_justification="Geste à J+3." if index % 5 == 0 else "",
            question=f"Question {index} : conduite à tenir avant le geste prévu ? " * 3,
        )
        services.case_accept(actor=SYSTEM, case=case, meeting=meeting)
    return meeting, coordinator


def test_bench_agenda_pdf_of_fifteen_cases(
    benchmark: Any, full_meeting: tuple[Meeting, Any]
) -> None:
    meeting, coordinator = full_meeting
    client = Client()
    client.force_login(coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour.pdf"
    response = benchmark(client.get, url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
