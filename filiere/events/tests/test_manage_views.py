"""The organisers' pages: the network coordinator organises every event, a centre coordinator
those of her centre (an outsider gets 404 and nothing changes)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.events.models import Event, Registration
from filiere.events.tests.factories import make_event, register
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


@pytest.fixture
def anne(centre_a: Centre) -> User:
    """The centre coordinator of centre A."""
    user = make_user(email="anne@hopital.test", first_name="Anne", last_name="Girard")
    give_role(user, centre_a, Role.CENTRE_COORDINATOR)
    return user


@pytest.fixture
def bruno(centre_b: Centre) -> User:
    """The centre coordinator of centre B: an outsider to centre A's events."""
    user = make_user(email="bruno@hopital.test", first_name="Bruno", last_name="Leroy")
    give_role(user, centre_b, Role.CENTRE_COORDINATOR)
    return user


def _form(centre: Centre | None, **values: str) -> dict[str, str]:
    data = {
        "kind": "module_du",
        "title": "DU pathologies plaquettaires — module 3",
        "description": "",
        "starts_at": "15/06/2031 09:00",
        "ends_at": "15/06/2031 17:00",
        "place": "Faculté de médecine, Marseille",
        "series_name": "",
        "centre": str(centre.pk) if centre else "",
        "seats": "30",
        "registration_opens_at": "01/01/2031 09:00",
        "registration_closes_at": "14/06/2031 12:00",
        "replay_url": "",
    }
    data.update(values)
    return data


def test_a_centre_coordinator_creates_and_publishes_her_centre_s_event(
    anne: User, centre_a: Centre, client_for: ClientFor
) -> None:
    client = client_for(anne)
    response = client.post("/evenements/organisation/nouveau/", _form(centre_a))
    assert response.status_code == 302, response.content.decode()
    event = Event.objects.get()
    assert event.centre == centre_a
    assert timezone.localtime(event.starts_at).hour == 9
    client.post(f"/evenements/organisation/{event.public_id}/publier/", {"publish": "1"})
    event.refresh_from_db()
    assert event.is_published


def test_a_centre_coordinator_may_not_create_a_network_event(
    anne: User, client_for: ClientFor
) -> None:
    response = client_for(anne).post("/evenements/organisation/nouveau/", _form(None))
    assert response.status_code == 200
    assert not Event.objects.exists()


def test_end_before_start_is_refused_naming_the_field(
    anne: User, centre_a: Centre, client_for: ClientFor
) -> None:
    response = client_for(anne).post(
        "/evenements/organisation/nouveau/", _form(centre_a, ends_at="15/06/2031 08:00")
    )
    assert response.status_code == 200
    assert "Fin : elle suit le début" in response.content.decode()
    assert not Event.objects.exists()


def test_an_outsider_is_refused_the_event_of_another_centre(
    bruno: User, centre_a: Centre, client_for: ClientFor
) -> None:
    event = make_event(centre_a)
    client = client_for(bruno)
    for url in ("", "inscrits/", "inscrits.csv"):
        assert client.get(f"/evenements/organisation/{event.public_id}/{url}").status_code == 404
    client.post(f"/evenements/organisation/{event.public_id}/publier/", {"publish": "0"})
    event.refresh_from_db()
    assert event.is_published
    assert "Dr Inscrit" not in client.get("/evenements/organisation/").content.decode()


def test_a_clinician_has_no_organiser_page(alice: User, client_for: ClientFor) -> None:
    assert client_for(alice).get("/evenements/organisation/").status_code == 404


def test_the_network_coordinator_lists_marks_attendance_and_exports(
    network_coordinator: User, centre_b: Centre, client_for: ClientFor
) -> None:
    event = make_event(centre_b, seats=1)
    present = register(event, 1).registration
    register(event, 2, name="=Formule piégée")
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now())
    client = client_for(network_coordinator)
    page = client.get(f"/evenements/organisation/{event.public_id}/inscrits/")
    assert "Dr Inscrit 1" in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()
    client.post(
        f"/evenements/organisation/{event.public_id}/inscrits/", {"present": [present.public_id]}
    )
    present.refresh_from_db()
    assert present.attended
    csv = client.get(f"/evenements/organisation/{event.public_id}/inscrits.csv")
    text = csv.content.decode("utf-8-sig")
    assert "Dr Inscrit 1;inscrit1@hopital.test" in text
    assert "'=Formule piégée" in text
    assert Registration.objects.filter(attended=True).count() == 1
