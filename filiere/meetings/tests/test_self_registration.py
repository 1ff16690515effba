"""Registering oneself for an RCP: only to a series one belongs to or is invited to (issue 13,
finding 3: a Bordeaux clinician registered for another series' meeting and read its cases)."""

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
from filiere.meetings.models import ExternalInvitation, Meeting, Participant, SeriesMember
from filiere.network.models import Centre
from filiere.patients.models import Patient
from filiere.testing.factories import make_centre, make_user
from filiere.testing.meetings import make_case, make_meeting, make_physician, make_series

ClientFor = Callable[[User], Client]


@pytest.fixture
def bordeaux_clinician(db: None) -> User:
    bordeaux = make_centre(name="CCMR Bordeaux", city="Bordeaux", region="75")
    return make_physician(bordeaux, "haematology", email="bdx@hopital.test")


@pytest.fixture
def next_week(meeting: Meeting, coordinator: User, alice: User, patient_a: Patient) -> Meeting:
    """A planned meeting of the platelet series (centre A) with one case on its agenda."""
    later = make_meeting(meeting.series, starts_at=timezone.now() + dt.timedelta(days=7))
    case = make_case(later.series, alice, patient_a)
    services.case_accept(actor=coordinator, case=case, meeting=later)
    return later


def test_a_clinician_outside_the_series_cannot_register_nor_read_the_cases(
    next_week: Meeting, bordeaux_clinician: User, patient_a: Patient, client_for: ClientFor
) -> None:
    client = client_for(bordeaux_clinician)
    response = client.post(f"/rcp/reunions/{next_week.public_id}/inscription/")
    assert response.status_code == 404
    assert not Participant.objects.filter(meeting=next_week, user=bordeaux_clinician).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED,
        actor=bordeaux_clinician,
        object_id=str(next_week.public_id),
    ).exists()
    detail = client.get(f"/rcp/reunions/{next_week.public_id}/")
    assert detail.status_code == 404
    assert patient_a.pseudonym not in detail.content.decode()


def test_a_member_of_the_series_registers(
    next_week: Meeting, bordeaux_clinician: User, patient_a: Patient, client_for: ClientFor
) -> None:
    services.series_member_add(
        actor=SYSTEM,
        series=next_week.series,
        user=bordeaux_clinician,
        role=SeriesMember.Role.EXPERT,
    )
    response = client_for(bordeaux_clinician).post(
        f"/rcp/reunions/{next_week.public_id}/inscription/"
    )
    assert response.status_code == 302
    assert Participant.objects.filter(meeting=next_week, user=bordeaux_clinician).exists()


def test_membership_of_another_series_does_not_open_this_one(
    next_week: Meeting, bordeaux_clinician: User, client_for: ClientFor
) -> None:
    other = make_series(make_centre(name="CRPP Lyon", city="Lyon"), name="RCP Hémophilie")
    services.series_member_add(
        actor=SYSTEM, series=other, user=bordeaux_clinician, role=SeriesMember.Role.EXPERT
    )
    response = client_for(bordeaux_clinician).post(
        f"/rcp/reunions/{next_week.public_id}/inscription/"
    )
    assert response.status_code == 404


def test_an_invitation_to_the_series_opens_registration(
    next_week: Meeting, centre_a: Centre, client_for: ClientFor
) -> None:
    from filiere.access.meetings import meeting_rights

    guest = make_user(email="invite@clinique.test")
    assert not meeting_rights(guest, next_week).register
    ExternalInvitation.objects.create(
        series=next_week.series,
        user=guest,
        token_digest="0" * 64,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    assert meeting_rights(guest, next_week).register


def test_the_calendar_offers_registration_only_where_it_is_allowed(
    next_week: Meeting, bordeaux_clinician: User, client_for: ClientFor
) -> None:
    """After the fix above, the calendar still offered « M'inscrire » for every meeting, and the
    click answered 404."""
    client = client_for(bordeaux_clinician)
    register = f"/rcp/reunions/{next_week.public_id}/inscription/"
    page = client.get("/rcp/calendrier/")
    assert page.status_code == 200
    assert register not in page.content.decode()
    services.series_member_add(
        actor=SYSTEM,
        series=next_week.series,
        user=bordeaux_clinician,
        role=SeriesMember.Role.EXPERT,
    )
    assert register in client.get("/rcp/calendrier/").content.decode()


def test_a_physician_invited_to_the_series_registers_from_the_calendar(
    next_week: Meeting, coordinator: User, client_for: ClientFor
) -> None:
    """One rule (``meeting_rights(...).register``): the service refused the invited physician
    that the page let through, for want of a network role."""
    guest = make_user(email="invitee@clinique.test", specialty="haematology")
    services.external_physician_invite(
        actor=coordinator,
        series=next_week.series,
        email=guest.email,
        first_name=guest.first_name,
        last_name=guest.last_name,
        specialty="haematology",
    )
    client = client_for(guest)
    register = f"/rcp/reunions/{next_week.public_id}/inscription/"
    assert register in client.get("/rcp/calendrier/").content.decode()
    response = client.post(register)
    assert response.status_code == 302
    assert response["Location"] == f"/rcp/reunions/{next_week.public_id}/"
    assert Participant.objects.filter(meeting=next_week, user=guest).exists()


def test_an_account_without_role_nor_invitation_cannot_register(
    next_week: Meeting, client_for: ClientFor
) -> None:
    stranger = make_user(email="personne@ailleurs.test")
    response = client_for(stranger).post(f"/rcp/reunions/{next_week.public_id}/inscription/")
    assert response.status_code == 404
    assert not Participant.objects.filter(meeting=next_week, user=stranger).exists()
