"""A big case meeting for the benchmarks and the browser test: 80 participants registered from
a pasted list, 15 cases on the agenda, the session open and everyone checked in, today."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from filiere.accounts.models import User
from filiere.lib.identifiers import luhn_key
from filiere.meetings import services
from filiere.meetings.models import CaseRequest, Meeting, MeetingSeries
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_patient, make_user
from filiere.testing.meetings import (
    PLATELET_QUORUM,
    make_case,
    make_meeting,
    make_series,
    session_start_today,
)

SPECIALTIES = (*PLATELET_QUORUM, "paediatric_haematology", "internal_medicine", "transfusion")
_numbers = itertools.count(1)


def rpps_for(index: int) -> str:
    """A valid RPPS number (Luhn key) for the ``index``-th synthetic physician."""
    digits = f"1{index:09d}"
    return digits + luhn_key(digits)


def make_physicians(centre: Centre, count: int) -> list[User]:
    """``count`` physicians of ``centre`` with an RPPS, without a second factor."""
    users = []
    for _ in range(count):
        n = next(_numbers)
        user = make_user(
            second_factor=False,
            email=f"medecin{n}@rcp.test",
            first_name="Camille",
            last_name=f"Médecin{n:03d}",
            title="dr",
            specialty=SPECIALTIES[n % len(SPECIALTIES)],
            rpps=rpps_for(n),
        )
        give_role(user, centre, Role.CLINICIAN)
        users.append(user)
    return users


def participant_lines(users: list[User]) -> str:
    """The list a secretariat pastes: a header, then RPPS or e-mail ; specialty label."""
    labels = dict(User.Specialty.choices)
    lines = ["E-mail ou RPPS;Spécialité;Rôle"]
    for index, user in enumerate(users):
        identifier = user.rpps if index % 2 else user.email
        lines.append(f"{identifier};{labels[user.specialty]};")
    return "\n".join(lines)


@dataclass
class BigSession:
    series: MeetingSeries
    meeting: Meeting
    coordinator: User
    physicians: list[User]
    cases: list[CaseRequest]


def big_session(
    centre: Centre,
    coordinator: User,
    *,
    participants: int = 80,
    cases: int = 15,
    add_participants: bool = True,
) -> BigSession:
    """Today's meeting with its cases accepted; with ``add_participants``, the physicians are
    registered from a list and the session opened with everyone present."""
    series = make_series(centre, coordinator=coordinator, name=f"RCP de mesure {next(_numbers)}")
    meeting = make_meeting(series, starts_at=session_start_today(), duration_minutes=240)
    physicians = make_physicians(centre, participants)
    requester = physicians[0]
    accepted = []
    for index in range(cases):
        patient = make_patient(centre)
        case = make_case(
            series,
            requester,
            patient,
            question=f"Conduite à tenir pour le dossier {index + 1} ?",
        )
        services.case_accept(actor=coordinator, case=case, meeting=meeting)
        accepted.append(case)
    if add_participants:
        services.participants_add_list(
            actor=coordinator, meeting=meeting, text=participant_lines(physicians[1:])
        )
        services.meeting_open(actor=coordinator, meeting=meeting)
        services.attendance_check_in_all(actor=coordinator, meeting=meeting)
    return BigSession(series, meeting, coordinator, physicians, accepted)
