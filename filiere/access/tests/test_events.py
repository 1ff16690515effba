"""Who organises the events (filiere/access/events.py): a centre's coordinator her own centre's
events only; the network coordinator every event, the network's own included; nobody else."""

from __future__ import annotations

import pytest

from filiere.access.events import event_rights, organiser_centre_ids, organises_events
from filiere.accounts.models import User
from filiere.events.tests.factories import make_event
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(centre_a: Centre) -> User:
    """The centre coordinator of centre A."""
    user = make_user(email="anne@hopital.test", first_name="Anne", last_name="Girard")
    give_role(user, centre_a, Role.CENTRE_COORDINATOR)
    return user


def test_a_centre_coordinator_organises_her_centre_s_events_only(
    anne: User, centre_a: Centre, centre_b: Centre
) -> None:
    assert organises_events(anne)
    assert organiser_centre_ids(anne) == frozenset({centre_a.pk})
    assert event_rights(anne, make_event(centre_a)).organise
    assert not event_rights(anne, make_event(centre_b)).organise
    assert not event_rights(anne, make_event(None)).organise


def test_the_network_coordinator_organises_every_event(
    network_coordinator: User, centre_b: Centre
) -> None:
    assert organiser_centre_ids(network_coordinator) is None
    assert event_rights(network_coordinator, make_event(centre_b)).organise
    assert event_rights(network_coordinator, make_event(None)).organise


def test_clinicians_auditors_and_visitors_organise_nothing(
    alice: User, auditor: User, centre_a: Centre
) -> None:
    event = make_event(centre_a)
    for user in (alice, auditor, None):
        assert not organises_events(user)
        assert not event_rights(user, event).organise
