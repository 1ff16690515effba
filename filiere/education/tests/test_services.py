"""The ETP services: what they record, and bad input refused with the field named and nothing
written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filiere.access.actors import SYSTEM
from filiere.audit.models import AuditEvent
from filiere.education import services
from filiere.education.models import (
    QUESTIONS,
    Evaluation,
    Participant,
    Programme,
    Session,
    TeamMember,
)
from filiere.education.tests.factories import make_programme, make_session
from filiere.network.models import Centre
from filiere.testing.factories import load_test_nomenclature, make_patient

pytestmark = pytest.mark.django_db

FULL_MARKS = {key: 4 for key, _label in QUESTIONS}


@pytest.fixture
def programme(centre_a: Centre) -> Programme:
    load_test_nomenclature()
    return make_programme(centre_a, diseases=["ORPHA:849", "98456"])


@pytest.fixture
def session(programme: Programme) -> Session:
    return make_session(programme)


@pytest.fixture
def patient(centre_a: Centre) -> Any:
    return make_patient(centre_a)


def _refused(field: str, call: Any, counted: Any) -> str:
    before = counted.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert field in caught.value.message_dict, caught.value.message_dict
    assert counted.count() == before
    return caught.value.message_dict[field][0]


def test_a_programme_keeps_its_diseases_workshops_and_authorisation(
    programme: Programme,
) -> None:
    assert sorted(programme.diseases.values_list("code", flat=True)) == [849, 98456]
    titles = [w.title for w in programme.workshops.order_by("position")]
    assert titles == [
        "Comment je vis avec ma maladie",
        "Gestion des saignements",
        "Questions femmes",
    ]
    assert AuditEvent.objects.filter(object_id=str(programme.public_id)).count() == 1


def test_an_unknown_orpha_code_is_refused(centre_a: Centre) -> None:
    load_test_nomenclature()
    message = _refused(
        "diseases",
        lambda: make_programme(centre_a, diseases=["ORPHA:99999999"]),
        Programme.objects.all(),
    )
    assert message.startswith("Maladies :")


def test_a_programme_needs_a_workshop(centre_a: Centre) -> None:
    message = _refused(
        "workshops", lambda: make_programme(centre_a, workshops=[" "]), Programme.objects.all()
    )
    assert message.startswith("Ateliers :")


def test_a_session_before_the_ars_authorisation_is_refused(programme: Programme) -> None:
    message = _refused(
        "held_on",
        lambda: make_session(programme, held_on=dt.date(2019, 6, 11)),
        Session.objects.all(),
    )
    assert "11/06/2019" in message
    assert "12/06/2019" in message


def test_a_session_holds_only_the_programmes_workshops(
    programme: Programme, centre_b: Centre
) -> None:
    other = make_programme(centre_b)
    _refused(
        "workshops",
        lambda: make_session(programme, workshops=list(other.workshops.all())),
        Session.objects.all(),
    )


def test_a_patient_participant_with_consent_is_recorded_and_audited(
    session: Session, patient: Any
) -> None:
    participant = services.participant_add(
        actor=SYSTEM,
        session=session,
        patient=patient,
        consent_on=dt.date(2024, 11, 1),
        attended=True,
    )
    assert participant.kind == Participant.Kind.PATIENT
    assert AuditEvent.objects.filter(
        object_id=str(participant.public_id), patient_id=patient.public_id
    ).exists()


def test_a_participant_without_consent_is_refused(session: Session, patient: Any) -> None:
    message = _refused(
        "consent_on",
        lambda: services.participant_add(
            actor=SYSTEM, session=session, patient=patient, consent_on=None
        ),
        Participant.objects.all(),
    )
    assert message.startswith("Consentement :")


def test_a_duplicate_patient_is_refused(session: Session, patient: Any) -> None:
    services.participant_add(
        actor=SYSTEM, session=session, patient=patient, consent_on=dt.date(2024, 11, 1)
    )
    message = _refused(
        "patient",
        lambda: services.participant_add(
            actor=SYSTEM, session=session, patient=patient, consent_on=dt.date(2024, 11, 1)
        ),
        Participant.objects.all(),
    )
    assert "déjà inscrit" in message


def test_a_duplicate_relative_is_refused(session: Session) -> None:
    def add() -> Participant:
        return services.participant_add(
            actor=SYSTEM,
            session=session,
            first_name="Sophie",
            relation="mère",
            consent_on=dt.date(2024, 11, 1),
        )

    add()
    _refused("first_name", add, Participant.objects.all())


def test_a_relative_needs_first_name_and_relation(session: Session) -> None:
    _refused(
        "patient",
        lambda: services.participant_add(
            actor=SYSTEM, session=session, first_name="Sophie", consent_on=dt.date(2024, 11, 1)
        ),
        Participant.objects.all(),
    )


def test_attendance_at_a_future_session_is_refused(programme: Programme, patient: Any) -> None:
    future = make_session(programme, held_on=timezone.localdate() + dt.timedelta(days=3))
    message = _refused(
        "attended",
        lambda: services.participant_add(
            actor=SYSTEM,
            session=future,
            patient=patient,
            consent_on=timezone.localdate(),
            attended=True,
        ),
        Participant.objects.all(),
    )
    assert message.startswith("Présence :")
    participant = services.participant_add(
        actor=SYSTEM, session=future, patient=patient, consent_on=timezone.localdate()
    )
    with pytest.raises(ValidationError):
        services.attendance_set(actor=SYSTEM, participant=participant, attended=True)
    participant.refresh_from_db()
    assert not participant.attended


def _present(session: Session, patient: Any) -> Participant:
    return services.participant_add(
        actor=SYSTEM,
        session=session,
        patient=patient,
        consent_on=dt.date(2024, 11, 1),
        attended=True,
    )


def test_an_evaluation_is_recorded_once_per_workshop(session: Session, patient: Any) -> None:
    participant = _present(session, patient)
    workshop = session.workshops.order_by("position").first()
    assert workshop is not None

    def record() -> Evaluation:
        return services.evaluation_record(
            actor=SYSTEM, participant=participant, workshop=workshop, scores=FULL_MARKS
        )

    assert record().scores() == [4, 4, 4, 4]
    _refused("workshop", record, Evaluation.objects.all())


def test_a_score_outside_1_to_4_is_refused_naming_the_question(
    session: Session, patient: Any
) -> None:
    participant = _present(session, patient)
    workshop = session.workshops.first()
    assert workshop is not None
    message = _refused(
        "clarity",
        lambda: services.evaluation_record(
            actor=SYSTEM,
            participant=participant,
            workshop=workshop,
            scores=FULL_MARKS | {"clarity": 5},
        ),
        Evaluation.objects.all(),
    )
    assert message.startswith(str(QUESTIONS[1][1]))


def test_an_absent_participant_does_not_evaluate(session: Session, patient: Any) -> None:
    participant = services.participant_add(
        actor=SYSTEM, session=session, patient=patient, consent_on=dt.date(2024, 11, 1)
    )
    workshop = session.workshops.first()
    assert workshop is not None
    _refused(
        "participant",
        lambda: services.evaluation_record(
            actor=SYSTEM, participant=participant, workshop=workshop, scores=FULL_MARKS
        ),
        Evaluation.objects.all(),
    )


def test_a_workshop_not_held_at_the_session_is_refused(programme: Programme, patient: Any) -> None:
    first, *others = list(programme.workshops.order_by("position"))
    session = make_session(programme, workshops=[first])
    participant = _present(session, patient)
    _refused(
        "workshop",
        lambda: services.evaluation_record(
            actor=SYSTEM, participant=participant, workshop=others[0], scores=FULL_MARKS
        ),
        Evaluation.objects.all(),
    )


def test_a_team_member_is_a_user_or_an_outside_person(programme: Programme, alice: Any) -> None:
    _refused(
        "user",
        lambda: services.team_member_add(
            actor=SYSTEM,
            programme=programme,
            user=alice,
            full_name="Nathalie Morel",
            profile=TeamMember.Profile.RESOURCE_PARENT,
        ),
        TeamMember.objects.all(),
    )
    _refused(
        "organisation",
        lambda: services.team_member_add(
            actor=SYSTEM,
            programme=programme,
            full_name="Pascal Guérin",
            profile=TeamMember.Profile.ASSOCIATION,
        ),
        TeamMember.objects.all(),
    )
    parent = services.team_member_add(
        actor=SYSTEM,
        programme=programme,
        full_name="Nathalie Morel",
        profile=TeamMember.Profile.RESOURCE_PARENT,
    )
    assert str(parent) == "Nathalie Morel"
