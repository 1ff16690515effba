"""Objects of the therapeutic education module for the project-wide access matrix (core/tests)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.education import services
from filiere.education.models import Participant, Session, TeamMember
from filiere.network.models import Centre


def matrix_world(centre: Centre, member: User) -> dict[str, Any]:
    """A programme of ``centre`` whose team counts ``member``, with a session held and one
    patient present; their URL ids (built once per centre)."""
    from filiere.testing.factories import make_patient

    built = Participant.objects.filter(
        session__programme__centre=centre, session__programme__title=f"ETP {centre.city}"
    ).first()
    if built is not None:
        # Asked once per route by the browser form test: the same world serves them all.
        return {
            "programme_id": built.session.programme.public_id,
            "session_id": built.session.public_id,
            "participant_id": built.public_id,
        }
    programme = services.programme_create(
        actor=SYSTEM,
        centre=centre,
        title=f"ETP {centre.city}",
        ars_authorised_on=dt.date(2019, 6, 12),
        workshops=["Gestion des saignements", "Questions femmes"],
    )
    services.team_member_add(
        actor=SYSTEM,
        programme=programme,
        user=member,
        profile=TeamMember.Profile.PROFESSIONAL,
        specialty="Hématologie",
    )
    session = services.session_create(
        actor=SYSTEM,
        programme=programme,
        held_on=dt.date(2024, 11, 23),
        place="Rennes",
        format=Session.Format.IN_PERSON,
        workshops=list(programme.workshops.all()),
    )
    participant = services.participant_add(
        actor=SYSTEM,
        session=session,
        patient=make_patient(centre),
        consent_on=dt.date(2024, 11, 1),
        attended=True,
    )
    return {
        "programme_id": programme.public_id,
        "session_id": session.public_id,
        "participant_id": participant.public_id,
    }
