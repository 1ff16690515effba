"""The secretariat runs a series' meetings; the coordinator's acts (the series' settings and
members, a case's discussion, ratifying, signing and correcting an avis) answer the secretariat
the audited 404 on the page, and change nothing (issue 13: one refusal, asked at the boundary;
the services trust their caller)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.meetings import services
from filiere.meetings.models import (
    CaseRequest,
    Meeting,
    MeetingSeries,
    Ratification,
    Recommendation,
    SeriesMember,
)
from filiere.patients.models import Patient
from filiere.testing.factories import make_user
from filiere.testing.meetings import check_in, decided_values, make_case, register

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def secretary(series: MeetingSeries) -> User:
    user = make_user(email="secretariat@hopital.test")
    services.series_member_add(
        actor=SYSTEM, series=series, user=user, role=SeriesMember.Role.SECRETARY
    )
    return user


@pytest.fixture
def in_session(meeting: Meeting, coordinator: User, alice: User, patient_a: Patient) -> CaseRequest:
    case = make_case(meeting.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=meeting)
    services.meeting_open(actor=coordinator, meeting=meeting, at=meeting.starts_at)
    return case


def _refused(user: User, object_id: object, patient: Patient | None = None) -> bool:
    events = AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, actor=user, object_id=str(object_id)
    )
    if patient is not None:
        events = events.filter(patient_id=patient.public_id)
    return events.exists()


def test_the_secretariat_cannot_change_the_series_settings(
    series: MeetingSeries, secretary: User, client_for: ClientFor
) -> None:
    client = client_for(secretary)
    url = f"/rcp/series/{series.public_id}/modifier/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"name": "Renommée", "minimum_specialties": "3"})
    assert response.status_code == 404
    series.refresh_from_db()
    assert series.name != "Renommée"
    assert _refused(secretary, series.public_id)


def test_the_secretariat_cannot_add_nor_remove_members(
    series: MeetingSeries,
    secretary: User,
    coordinator: User,
    charlie: User,
    client_for: ClientFor,
) -> None:
    client = client_for(secretary)
    added = client.post(
        f"/rcp/series/{series.public_id}/membres/",
        {"email": charlie.email, "role": SeriesMember.Role.COORDINATOR},
    )
    assert added.status_code == 404
    assert not series.members.filter(user=charlie).exists()
    member = series.members.get(user=coordinator, role=SeriesMember.Role.COORDINATOR)
    removed = client.post(f"/rcp/series/{series.public_id}/membres/{member.public_id}/retirer/")
    assert removed.status_code == 404
    assert series.members.filter(pk=member.pk).exists()
    assert _refused(secretary, series.public_id)


@pytest.mark.parametrize(
    "action", ["discussion_open", "discussion_close", "ratify", "not_ratified"]
)
def test_the_secretariat_cannot_lead_a_discussion_nor_ratify(
    action: str,
    meeting: Meeting,
    in_session: CaseRequest,
    secretary: User,
    client_for: ClientFor,
) -> None:
    item = in_session.agenda_items.get()
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/{item.public_id}/"
    response = client_for(secretary).post(url, {"action": action, "reason": "Non."})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.discussion_started_at is None
    assert not Ratification.objects.exists()
    assert _refused(secretary, item.public_id, in_session.patient)


def test_an_expert_of_the_series_cannot_open_a_discussion(
    meeting: Meeting, in_session: CaseRequest, biologist: User, client_for: ClientFor
) -> None:
    item = in_session.agenda_items.get()
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/{item.public_id}/"
    response = client_for(biologist).post(url, {"action": "discussion_open"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.discussion_started_at is None


def test_the_secretariat_still_moves_a_slot(
    meeting: Meeting, in_session: CaseRequest, secretary: User, client_for: ClientFor
) -> None:
    item = in_session.agenda_items.get()
    url = f"/rcp/reunions/{meeting.public_id}/ordre-du-jour/{item.public_id}/"
    start = timezone.localtime(meeting.starts_at) + dt.timedelta(minutes=30)
    response = client_for(secretary).post(
        url, {"slot_time": f"{start:%H:%M}", "slot_minutes": "15"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.starts_at == start


def test_the_secretariat_cannot_sign_the_avis(
    in_session: CaseRequest, coordinator: User, secretary: User, client_for: ClientFor
) -> None:
    services.recommendation_save(actor=coordinator, case=in_session, values=decided_values())
    url = f"/rcp/demandes/{in_session.public_id}/avis/signer/"
    for step in ("preview", "confirm"):
        response = client_for(secretary).post(
            url, decided_values(step=step, override_reason="Urgence.")
        )
        assert response.status_code == 404
    assert in_session.recommendations.get().status == Recommendation.Status.DRAFT
    assert _refused(secretary, in_session.public_id, in_session.patient)


def test_the_secretariat_cannot_correct_a_signed_avis(
    in_session: CaseRequest,
    meeting: Meeting,
    coordinator: User,
    biologist: User,
    geneticist: User,
    secretary: User,
    client_for: ClientFor,
) -> None:
    register(meeting, geneticist)
    check_in(meeting, coordinator, biologist, geneticist)
    services.recommendation_sign_as_shown(
        actor=coordinator, case=in_session, values=decided_values()
    )
    response = client_for(secretary).post(
        f"/rcp/demandes/{in_session.public_id}/avis/corriger/", {"reason": "Coquille."}
    )
    assert response.status_code == 404
    assert in_session.recommendations.get().status == Recommendation.Status.SIGNED
    assert _refused(secretary, in_session.public_id, in_session.patient)
