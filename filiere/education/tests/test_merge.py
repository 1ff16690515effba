"""A merge of two records of one person keeps her therapeutic-education sessions (issue 14's
explicit movers): each session once, on the kept record."""

from __future__ import annotations

import datetime as dt

import pytest

from filiere.access.actors import SYSTEM
from filiere.education import services
from filiere.education.merge import EDUCATION_RECORDS
from filiere.education.models import Participant, Programme, Session
from filiere.network.models import Centre
from filiere.testing.factories import make_patient

pytestmark = pytest.mark.django_db


def _session(programme: Programme, held_on: dt.date) -> Session:
    return services.session_create(
        actor=SYSTEM,
        programme=programme,
        held_on=held_on,
        place="Rennes",
        format=Session.Format.IN_PERSON,
        workshops=list(programme.workshops.all()),
    )


def test_sessions_move_to_the_kept_record_once_each(centre_a: Centre) -> None:
    programme = services.programme_create(
        actor=SYSTEM,
        centre=centre_a,
        title="Vivre avec une thrombopathie",
        ars_authorised_on=dt.date(2019, 6, 12),
        workshops=["Gestion des saignements"],
    )
    both, absorbed_only = (
        _session(programme, dt.date(2024, 11, 23)),
        _session(programme, dt.date(2025, 3, 8)),
    )
    kept, absorbed = make_patient(centre_a), make_patient(centre_a)
    for patient, session in ((kept, both), (absorbed, both), (absorbed, absorbed_only)):
        services.participant_add(
            actor=SYSTEM,
            session=session,
            patient=patient,
            consent_on=dt.date(2024, 11, 1),
            attended=True,
        )

    moved = EDUCATION_RECORDS.move(absorbed, kept)

    assert moved == {"education.participant": 1}
    assert set(Participant.objects.filter(patient=kept).values_list("session", flat=True)) == {
        both.pk,
        absorbed_only.pk,
    }
    # The second registration at the shared session stays, readable, on the absorbed record.
    assert list(Participant.objects.filter(patient=absorbed).values_list("session", flat=True)) == [
        both.pk
    ]
