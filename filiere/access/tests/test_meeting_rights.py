"""The RCP policy: series staff, coordinators, experts, participants, requesters, invited
physicians; and the object-by-object rule agrees with the list queries of the selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.access.meetings import case_rights, meeting_rights, series_rights
from filiere.meetings import selectors, services
from filiere.meetings.models import CaseRequest, ExternalInvitation, Meeting, SeriesMember
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_centre, make_patient, make_user
from filiere.testing.meetings import make_case, make_meeting, make_physician, make_series, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(centre_a: Centre, centre_b: Centre, nomenclature: None) -> dict[str, Any]:
    """A series of centre A with its coordinator, secretary and expert; a requester of centre A
    with a case on next week's agenda; a participant; outsiders."""
    coordinator = make_physician(centre_a, "haematology")
    give_role(coordinator, centre_a, Role.RCP_COORDINATOR)
    series = make_series(centre_a, coordinator=coordinator)
    secretary = make_user()
    give_role(secretary, centre_a, Role.RCP_COORDINATOR)
    expert = make_physician(centre_b, "medical_genetics")
    for user, role in (
        (secretary, SeriesMember.Role.SECRETARY),
        (expert, SeriesMember.Role.EXPERT),
    ):
        services.series_member_add(actor=SYSTEM, series=series, user=user, role=role)
    requester = make_physician(centre_a, "haematology")
    patient = make_patient(centre_a)
    case = make_case(series, requester, patient)
    meeting = make_meeting(series)
    services.case_accept(actor=SYSTEM, case=case, meeting=meeting)
    participant = make_physician(centre_b, "haemostasis_biology")
    register(meeting, participant)
    outsider = make_physician(centre_b, "haematology")
    return {
        "series": series,
        "meeting": meeting,
        "case": CaseRequest.objects.get(pk=case.pk),
        "coordinator": coordinator,
        "secretary": secretary,
        "expert": expert,
        "requester": requester,
        "participant": participant,
        "outsider": outsider,
    }


def test_series_roles(world: dict[str, Any]) -> None:
    series = world["series"]
    coordinator = series_rights(world["coordinator"], series)
    assert (coordinator.see, coordinator.staff, coordinator.coordinate) == (True, True, True)
    secretary = series_rights(world["secretary"], series)
    assert (secretary.see, secretary.staff, secretary.coordinate) == (True, True, False)
    expert = series_rights(world["expert"], series)
    assert (expert.see, expert.staff, expert.expert) == (True, False, True)
    outsider = series_rights(world["outsider"], series)
    assert (outsider.see, outsider.staff, outsider.coordinate) == (False, False, False)


def test_any_network_clinician_submits_to_an_active_series_only(world: dict[str, Any]) -> None:
    series = world["series"]
    assert series_rights(world["outsider"], series).submit
    services.series_update(actor=SYSTEM, series=series, is_active=False)
    series.refresh_from_db()
    assert not series_rights(world["outsider"], series).submit


def test_an_external_physician_submits_only_where_her_invitation_allows(
    world: dict[str, Any],
) -> None:
    series, guest = world["series"], make_user()
    assert not series_rights(guest, series).submit
    ExternalInvitation.objects.create(
        series=series,
        user=guest,
        token_digest="1" * 64,
        expires_at=timezone.now() + dt.timedelta(days=3),
        may_submit_cases=True,
    )
    assert series_rights(guest, series).submit


def test_meeting_rights(world: dict[str, Any]) -> None:
    meeting = world["meeting"]
    staff = meeting_rights(world["secretary"], meeting)
    assert (staff.see, staff.staff, staff.coordinate) == (True, True, False)
    participant = meeting_rights(world["participant"], meeting)
    assert (participant.see, participant.staff) == (True, False)
    outsider = meeting_rights(world["outsider"], meeting)
    assert (outsider.see, outsider.register) == (False, False)
    # A member of the series registers; a participant of one meeting is not a member.
    assert meeting_rights(world["expert"], meeting).register
    assert not participant.register


def test_case_rights_of_each_persona(world: dict[str, Any]) -> None:
    case = world["case"]
    requester = case_rights(world["requester"], case)
    assert (requester.read, requester.complete_file, requester.staff) == (True, True, False)
    # The requester is a clinician of the following centre: she may file the avis with identity.
    assert requester.copy_for_record
    secretary = case_rights(world["secretary"], case)
    assert (secretary.read, secretary.complete_file, secretary.reach_written_opinion) == (
        True,
        True,
        True,
    )
    assert not secretary.copy_for_record
    participant = case_rights(world["participant"], case)
    assert (participant.read, participant.complete_file) == (True, False)
    assert not participant.reach_written_opinion  # not an urgent meeting
    outsider = case_rights(world["outsider"], case)
    assert (outsider.read, outsider.complete_file, outsider.copy_for_record) == (
        False,
        False,
        False,
    )
    # The series' permanent experts are registered for its meetings: they read by attending.
    assert case_rights(world["expert"], case).attends


def test_the_participants_access_ends_when_the_meeting_closes(world: dict[str, Any]) -> None:
    now = timezone.now()
    Meeting.objects.filter(pk=world["meeting"].pk).update(
        status=Meeting.Status.CLOSED, opened_at=now, closed_at=now
    )
    assert not case_rights(world["participant"], world["case"]).read


def test_the_permanent_experts_read_an_urgent_request_until_its_avis(
    world: dict[str, Any],
) -> None:
    urgent = make_case(
        world["series"],
        world["requester"],
        make_patient(world["series"].centre),
        is_urgent=True,
        urgency_justification="Hémorragie digestive active sous traitement.",
    )
    assert case_rights(world["expert"], urgent).read
    assert not case_rights(world["outsider"], urgent).read


def test_the_object_rule_agrees_with_the_list_query(world: dict[str, Any]) -> None:
    """``case_rights(...).read`` and ``selectors.cases_visible_to`` are one rule written twice
    (object by object, and as a filter for lists): they must never disagree."""
    make_case(
        world["series"],
        world["requester"],
        make_patient(world["series"].centre),
        is_urgent=True,
        urgency_justification="Hémorragie digestive active sous traitement.",
    )
    users = [
        world[name]
        for name in ("coordinator", "secretary", "expert", "requester", "participant", "outsider")
    ]
    users.append(make_user())
    for user in users:
        listed = set(selectors.cases_visible_to(user).values_list("pk", flat=True))
        for case in CaseRequest.objects.select_related("series", "patient"):
            assert case_rights(user, case).read == (case.pk in listed), (user, case)


def test_an_unrelated_centre_gives_nothing(world: dict[str, Any]) -> None:
    stranger = make_user()
    give_role(stranger, make_centre(), Role.DATA_MANAGER)
    rights = case_rights(stranger, world["case"])
    assert (rights.read, rights.complete_file, rights.reach_written_opinion) == (
        False,
        False,
        False,
    )
