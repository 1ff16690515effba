"""The ETP pages: who opens them, what they show of the participants, and what they write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.education import services
from filiere.education.models import Evaluation, Participant, Programme, Session
from filiere.education.tests.factories import make_programme, make_session
from filiere.identity.models import Identity
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_patient, make_user

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def anne(centre_a: Centre) -> User:
    """The coordinator of centre A."""
    user = make_user(email="anne@hopital.test", first_name="Anne", last_name="Girard")
    give_role(user, centre_a, Role.CENTRE_COORDINATOR)
    give_role(user, centre_a, Role.CLINICIAN)
    return user


@pytest.fixture
def programme(centre_a: Centre) -> Programme:
    return make_programme(centre_a)


@pytest.fixture
def session(programme: Programme) -> Session:
    return make_session(programme)


def _add_patient(session: Session, centre: Centre, **identity: Any) -> Participant:
    return services.participant_add(
        actor=SYSTEM,
        session=session,
        patient=make_patient(centre, **identity),
        consent_on=dt.date(2024, 11, 1),
        attended=True,
    )


def test_an_outsider_gets_404_on_every_page_and_the_refusal_is_recorded(
    charlie: User, client_for: ClientFor, session: Session
) -> None:
    client = client_for(charlie)
    programme_id = session.programme.public_id
    for url in (
        f"/etp/{programme_id}/",
        f"/etp/{programme_id}/equipe/",
        f"/etp/{programme_id}/seances/nouvelle/",
        f"/etp/seances/{session.public_id}/",
        f"/etp/seances/{session.public_id}/participants/",
        f"/etp/seances/{session.public_id}/evaluations/",
        "/etp/nouveau/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        AuditEvent.objects.filter(actor=charlie, action=AuditEvent.Action.ACCESS_DENIED).count()
        == 7
    )
    assert session.programme.title not in client.get("/etp/").content.decode()


def test_the_list_is_refused_to_whoever_has_no_part_in_education(
    auditor: User, client_for: ClientFor
) -> None:
    assert client_for(auditor).get("/etp/").status_code == 404


def test_a_clinician_of_the_centre_reads_but_does_not_edit(
    alice: User, client_for: ClientFor, session: Session
) -> None:
    client = client_for(alice)
    assert client.get(f"/etp/{session.programme.public_id}/").status_code == 200
    assert client.get(f"/etp/seances/{session.public_id}/").status_code == 200
    assert client.get(f"/etp/seances/{session.public_id}/participants/").status_code == 404


def test_the_treating_team_sees_the_identity_others_the_pseudonym(
    alice: User,
    network_coordinator: User,
    client_for: ClientFor,
    centre_a: Centre,
    session: Session,
) -> None:
    participant = _add_patient(session, centre_a, birth_name="Le Bihan")
    patient = participant.patient
    assert patient is not None
    identity = Identity.objects.get(link=patient.identity_link)
    shown = client_for(alice).get(f"/etp/seances/{session.public_id}/").content.decode()
    assert str(identity) in shown
    assert patient.pseudonym in shown
    hidden = client_for(network_coordinator).get(f"/etp/seances/{session.public_id}/")
    assert "Le Bihan".upper() not in hidden.content.decode().upper()
    assert patient.pseudonym in hidden.content.decode()
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, patient_id=patient.public_id)
    assert set(reads.values_list("actor", flat=True)) == {alice.pk, network_coordinator.pk}


def test_the_session_page_does_not_query_per_participant(
    alice: User, client_for: ClientFor, centre_a: Centre, session: Session
) -> None:
    client = client_for(alice)
    _add_patient(session, centre_a)
    url = f"/etp/seances/{session.public_id}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        _add_patient(session, centre_a)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert response.status_code == 200
    assert len(five.captured_queries) == len(one.captured_queries), "\n".join(
        q["sql"][:150] for q in five.captured_queries
    )


def test_the_coordinator_creates_a_programme_with_its_workshops(
    anne: User, client_for: ClientFor, centre_a: Centre
) -> None:
    response = client_for(anne).post(
        "/etp/nouveau/",
        {
            "centre": centre_a.pk,
            "title": "Vivre avec une thrombopathie",
            "diseases": "",
            "ars_number": "ETP-13-2019",
            "ars_authorised_on": "2019-06-12",
            "status": "active",
            "workshops": "Gestion des saignements\nQuestions femmes\n",
        },
    )
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/etp/{programme.public_id}/"
    assert programme.workshops.count() == 2


def test_a_session_before_the_authorisation_is_refused_beside_the_date(
    anne: User, client_for: ClientFor, programme: Programme
) -> None:
    response = client_for(anne).post(
        f"/etp/{programme.public_id}/seances/nouvelle/",
        {
            "held_on": "2018-01-10",
            "place": "Rennes",
            "format": "in_person",
            "workshops": [w.pk for w in programme.workshops.all()],
        },
    )
    assert response.status_code == 200
    assert "précède l&#x27;autorisation ARS" in response.content.decode()
    assert not Session.objects.exists()


def test_a_patient_of_another_centre_is_not_registered(
    anne: User, client_for: ClientFor, centre_b: Centre, session: Session
) -> None:
    outsider = make_patient(centre_b)
    response = client_for(anne).post(
        f"/etp/seances/{session.public_id}/participants/",
        {"pseudonym": outsider.pseudonym, "consent_on": "2024-11-01", "attended": "on"},
    )
    assert response.status_code == 200
    assert "Patient : pseudonyme inconnu" in response.content.decode()
    assert not Participant.objects.exists()


def test_the_team_registers_a_patient_then_records_an_evaluation(
    anne: User, client_for: ClientFor, centre_a: Centre, session: Session
) -> None:
    client = client_for(anne)
    patient = make_patient(centre_a)
    response = client.post(
        f"/etp/seances/{session.public_id}/participants/",
        {"pseudonym": patient.pseudonym.lower(), "consent_on": "2024-11-01", "attended": "on"},
    )
    assert response.status_code == 302
    participant = Participant.objects.get()
    workshop = session.workshops.order_by("position").first()
    assert workshop is not None
    response = client.post(
        f"/etp/seances/{session.public_id}/evaluations/",
        {
            "participant": str(participant.public_id),
            "workshop": workshop.pk,
            "expectations": "4",
            "clarity": "3",
            "usefulness": "4",
            "recommend": "4",
            "comment": "Merci",
        },
    )
    assert response.status_code == 302
    assert Evaluation.objects.get().scores() == [4, 3, 4, 4]
    page = client.get(f"/etp/seances/{session.public_id}/").content.decode()
    assert "3,75" not in page  # means per question, not per questionnaire
    assert "4,00" in page
    assert "3,00" in page


def test_a_missing_score_is_refused_naming_the_question(
    anne: User, client_for: ClientFor, centre_a: Centre, session: Session
) -> None:
    participant = _add_patient(session, centre_a)
    workshop = session.workshops.first()
    assert workshop is not None
    response = client_for(anne).post(
        f"/etp/seances/{session.public_id}/evaluations/",
        {"participant": str(participant.public_id), "workshop": workshop.pk, "clarity": "3"},
    )
    assert response.status_code == 200
    assert "Je recommanderais cet atelier : notez de 1 à 4." in response.content.decode()
    assert not Evaluation.objects.exists()


def test_attendance_is_a_post_of_the_team(
    anne: User, alice: User, client_for: ClientFor, centre_a: Centre, session: Session
) -> None:
    participant = _add_patient(session, centre_a)
    url = f"/etp/seances/{session.public_id}/presence/{participant.public_id}/"
    assert client_for(anne).get(url).status_code == 405
    assert client_for(alice).post(url, {"attended": "0"}).status_code == 404
    assert client_for(anne).post(url, {"attended": "0"}).status_code == 302
    participant.refresh_from_db()
    assert not participant.attended


def test_the_team_discontinues_the_programme_then_no_session_is_added(
    anne: User, alice: User, client_for: ClientFor, programme: Programme
) -> None:
    url = f"/etp/{programme.public_id}/etat/"
    assert client_for(alice).post(url, {"status": "closed"}).status_code == 404
    assert client_for(anne).post(url, {"status": "closed"}).status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.CLOSED
    response = client_for(anne).post(
        f"/etp/{programme.public_id}/seances/nouvelle/",
        {
            "held_on": "2024-11-23",
            "place": "Rennes",
            "format": "in_person",
            "workshops": [w.pk for w in programme.workshops.all()],
        },
    )
    assert "le programme est arrêté" in response.content.decode()
    assert not Session.objects.exists()


def test_the_list_page_does_not_query_per_programme(
    network_coordinator: User, client_for: ClientFor, centre_a: Centre, centre_b: Centre
) -> None:
    client = client_for(network_coordinator)
    make_session(make_programme(centre_a))
    client.get("/etp/")
    with CaptureQueriesContext(connection) as one:
        client.get("/etp/")
    for index in range(3):
        make_session(make_programme(centre_b, title=f"Programme {index}"))
    with CaptureQueriesContext(connection) as four:
        response = client.get("/etp/")
    shown = response.content.decode()
    assert all(f"Programme {index}" in shown for index in range(3))
    assert len(four.captured_queries) == len(one.captured_queries)
