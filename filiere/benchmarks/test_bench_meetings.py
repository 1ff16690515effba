"""A big case meeting's session screen: 80 participants registered from a list, 15 cases,
everyone checked in. Target (issue 12): the session screen and the check-in list answer in
under 150 ms. The query count is asserted too: it must not grow with the participants."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.accounts.models import User
from filiere.benchmarks.meeting_data import BigSession, big_session
from filiere.meetings.models import Participant
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, load_test_nomenclature, make_centre, make_user

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

# One audit row a case shown (a case is a patient record), plus the page's fixed reads.
FIXED_QUERIES = 30


@pytest.fixture
def session() -> BigSession:
    load_test_nomenclature()
    centre: Centre = make_centre(name="Centre de mesure RCP", short_name="Mesure RCP")
    coordinator = make_user(email="coord.mesure@rcp.test", specialty="haematology")
    give_role(coordinator, centre, Role.RCP_COORDINATOR)
    give_role(coordinator, centre, Role.CLINICIAN)
    # 79 physicians: one asks for the cases (presenter), 78 come from the list; with the
    # coordinator, 80 participants.
    return big_session(centre, coordinator, participants=79)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bench_session_screen_80_participants_15_cases(benchmark: Any, session: BigSession) -> None:
    meeting = session.meeting
    assert meeting.participants.count() == 80
    client = _client(session.coordinator)
    url = f"/rcp/reunions/{meeting.public_id}/seance/"
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) <= FIXED_QUERIES + len(session.cases), len(queries)
    response = benchmark(client.get, url)
    html = response.content.decode()
    assert html.count('data-testid="participant-row"') == 80
    assert html.count('data-testid="agenda-row"') == 15
    assert "80 présents · 0 absent" in html


def test_bench_check_in_list_search(benchmark: Any, session: BigSession) -> None:
    meeting = session.meeting
    client = _client(session.coordinator)
    target = session.physicians[42]
    url = f"/rcp/reunions/{meeting.public_id}/seance/?q={target.rpps}"
    response = benchmark(client.get, url)
    assert response.content.decode().count('data-testid="participant-row"') == 1


def test_bench_check_out_and_in_one_row(benchmark: Any, session: BigSession) -> None:
    meeting = session.meeting
    client = _client(session.coordinator)
    participant = Participant.objects.get(meeting=meeting, user=session.physicians[7])
    url = f"/rcp/reunions/{meeting.public_id}/participants/{participant.public_id}/presence/"
    actions = iter(["out", "in"] * 1000)

    def toggle() -> Any:
        return client.post(url, {"action": next(actions)}, HTTP_HX_REQUEST="true")

    response = benchmark(toggle)
    assert response.status_code == 200
