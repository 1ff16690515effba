"""Centres: FINESS validation, and a user of centre A never sees centre B's team."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from filiere.access.actors import SYSTEM
from filiere.accounts.models import User
from filiere.audit.models import AuditEvent
from filiere.network.models import Centre, Role
from filiere.network.services import centre_create, centre_update
from filiere.testing.factories import give_role, make_centre, make_user

pytestmark = pytest.mark.django_db


def test_centre_with_a_bad_finess_key_is_refused_and_nothing_is_written() -> None:
    before = (Centre.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        centre_create(
            actor=SYSTEM,
            name="Centre",
            kind=Centre.Kind.CCMR,
            finess="750712185",
            city="Paris",
            region="11",
        )
    assert "Numéro FINESS invalide" in str(excinfo.value.message_dict["finess"])
    assert (Centre.objects.count(), AuditEvent.objects.count()) == before


def test_creating_and_updating_a_centre_each_leave_one_audit_event(
    network_coordinator: User,
) -> None:
    before = AuditEvent.objects.count()
    centre = make_centre(name="Nouveau centre")
    assert AuditEvent.objects.count() == before + 1
    centre_update(actor=network_coordinator, centre=centre, city="Aix-en-Provence", phone="04")
    event = AuditEvent.objects.latest("id")
    assert event.action == "update"
    assert event.actor == network_coordinator
    assert event.changes["city"] == {"avant": "Marseille", "après": "Aix-en-Provence"}
    assert AuditEvent.objects.count() == before + 2


def test_a_centre_cannot_be_its_own_ancestor(centre_a: Centre, centre_b: Centre) -> None:
    centre_update(actor=SYSTEM, centre=centre_b, parent=centre_a)
    with pytest.raises(ValidationError):
        centre_update(actor=SYSTEM, centre=centre_a, parent=centre_b)


def test_clinician_sees_her_centre_and_its_team(
    alice: User, centre_a: Centre, client_for: Callable[[User], Client]
) -> None:
    response = client_for(alice).get(f"/centres/{centre_a.public_id}/")
    assert response.status_code == 200
    assert alice.email in response.content.decode()


def test_outsider_gets_404_for_another_centre_and_the_attempt_is_recorded(
    alice: User, centre_a: Centre, charlie: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(charlie).get(f"/centres/{centre_a.public_id}/")
    assert response.status_code == 404
    assert alice.email not in response.content.decode()
    refusal = AuditEvent.objects.get(action="access_denied")
    assert refusal.actor == charlie
    assert refusal.object_id == str(centre_a.public_id)


def test_outsider_gets_404_from_the_api_too(
    alice: User, centre_a: Centre, charlie: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(charlie).get(f"/api/v1/centres/{centre_a.public_id}")
    assert response.status_code == 404
    assert alice.email not in response.content.decode()
    listed = client_for(charlie).get("/api/v1/centres").json()
    assert str(centre_a.public_id) not in {c["id"] for c in listed}


def test_unknown_centre_is_a_plain_404(alice: User, client_for: Callable[[User], Client]) -> None:
    response = client_for(alice).get("/centres/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="access_denied").exists()


def test_centre_list_shows_only_my_centres(
    alice: User, centre_a: Centre, centre_b: Centre, client_for: Callable[[User], Client]
) -> None:
    html = client_for(alice).get("/centres/").content.decode()
    assert centre_a.name in html
    assert centre_b.name not in html


def test_network_coordinator_sees_every_centre_and_team(
    network_coordinator: User,
    centre_b: Centre,
    charlie: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(network_coordinator)
    assert centre_b.name in client.get("/centres/").content.decode()
    assert charlie.email in client.get(f"/centres/{centre_b.public_id}/").content.decode()


def test_team_page_query_count_does_not_grow_with_the_team(
    alice: User, centre_a: Centre, client_for: Callable[[User], Client]
) -> None:
    client = client_for(alice)
    client.get(f"/centres/{centre_a.public_id}/")  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(f"/centres/{centre_a.public_id}/")
    for _ in range(10):
        give_role(make_user(), centre_a, Role.CLINICIAN)
    with CaptureQueriesContext(connection) as large:
        response = client.get(f"/centres/{centre_a.public_id}/")
    assert response.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(small.captured_queries) <= 12
