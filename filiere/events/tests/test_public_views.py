"""The public pages, without login: the list, an event's page and its registration form, the
registrant's personal page (cancel, certificate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from filiere.events.models import Event, Registration
from filiere.events.tests.factories import make_event, register

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Dr Inès Garnier",
    "email": "ines.garnier@chu-lille.test",
    "profession": "Médecin hématologue",
    "organisation": "CHU de Lille",
    "consent_to_email": "on",
}


def test_the_list_shows_upcoming_events_then_past_ones_with_their_replay(client: Client) -> None:
    upcoming = make_event(title="Congrès à venir")
    past = make_event(title="Webinaire passé", replay_url="https://video.test/replay-1")
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=9),
        ends_at=timezone.now() - dt.timedelta(days=9) + dt.timedelta(hours=1),
        registration_opens_at=timezone.now() - dt.timedelta(days=20),
        registration_closes_at=timezone.now() - dt.timedelta(days=9),
    )
    make_event(publish=False, title="Brouillon caché")
    body = client.get("/evenements/").content.decode()
    assert body.index(upcoming.title) < body.index(past.title)
    assert "https://video.test/replay-1" in body
    assert "Brouillon caché" not in body


def test_an_unpublished_event_is_not_found(client: Client) -> None:
    event = make_event(publish=False)
    assert client.get(f"/evenements/{event.public_id}/").status_code == 404


def test_registering_leads_to_the_personal_page(client: Client) -> None:
    event = make_event(seats=1)
    response = client.post(f"/evenements/{event.public_id}/", FORM)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "votre place est confirmée" in page
    registration = Registration.objects.get()
    assert registration.email == FORM["email"]
    # The event is now full: the next registrant reads she is on the waiting list.
    second = client.post(
        f"/evenements/{event.public_id}/", FORM | {"email": "autre@chu-lille.test"}
    )
    assert "position 1 sur la liste d'attente" in client.get(second["Location"]).content.decode()


def test_a_duplicate_address_is_refused_beside_its_field(client: Client) -> None:
    event = make_event()
    client.post(f"/evenements/{event.public_id}/", FORM)
    response = client.post(f"/evenements/{event.public_id}/", FORM)
    assert response.status_code == 200
    assert "Adresse e-mail : elle est déjà inscrite" in response.content.decode()
    assert Registration.objects.count() == 1


def test_the_personal_link_cancels(client: Client) -> None:
    event = make_event(seats=1)
    created = register(event)
    response = client.post(f"/evenements/inscription/{created.token}/annuler/")
    assert response.status_code == 302
    created.registration.refresh_from_db()
    assert created.registration.status == Registration.Status.CANCELLED
    assert client.get("/evenements/inscription/pas-un-jeton/").status_code == 404


def test_the_certificate_is_for_an_attendee_only(client: Client) -> None:
    event = make_event()
    created = register(event)
    url = f"/evenements/inscription/{created.token}/attestation.pdf"
    assert client.get(url).status_code == 404
    Registration.objects.filter(pk=created.registration.pk).update(attended=True)
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_list_reads_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    for number in range(6):
        event = make_event(title=f"Webinaire {number}", kind="webinaire", series_name="Série")
        register(event, number)
    with django_assert_max_num_queries(4):
        response = client.get("/evenements/")
    assert response.content.decode().count("Webinaire ") >= 6
