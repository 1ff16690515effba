"""Who edits and publishes the directory (filiere/access/directory.py): a centre's coordinator
edits her own centre only; the network coordinator edits everything and alone publishes."""

from __future__ import annotations

import pytest

from filiere.access.directory import (
    diagnostic_test_rights,
    directory_centre_ids,
    may_edit_directory,
    may_name_outside_laboratory,
    profile_rights,
)
from filiere.accounts.models import User
from filiere.directory.tests.factories import make_test
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(centre_a: Centre) -> User:
    """The centre coordinator of centre A."""
    user = make_user(email="anne@hopital.test", first_name="Anne", last_name="Girard")
    give_role(user, centre_a, Role.CENTRE_COORDINATOR)
    return user


@pytest.fixture
def bruno(centre_b: Centre) -> User:
    """The centre coordinator of centre B: an outsider to centre A."""
    user = make_user(email="bruno@hopital.test", first_name="Bruno", last_name="Leroy")
    give_role(user, centre_b, Role.CENTRE_COORDINATOR)
    return user


def test_a_centre_coordinator_edits_her_own_centre_and_does_not_publish(
    anne: User, centre_a: Centre, centre_b: Centre
) -> None:
    own = profile_rights(anne, centre_a)
    assert own.edit
    assert not own.publish
    assert not profile_rights(anne, centre_b).edit
    assert directory_centre_ids(anne) == frozenset({centre_a.pk})
    assert may_edit_directory(anne)
    assert not may_name_outside_laboratory(anne)


def test_an_outsider_coordinator_cannot_edit_centre_a(bruno: User, centre_a: Centre) -> None:
    assert profile_rights(bruno, centre_a).edit is False


def test_a_clinician_and_an_auditor_edit_nothing(
    alice: User, auditor: User, centre_a: Centre
) -> None:
    for user in (alice, auditor):
        assert profile_rights(user, centre_a) == profile_rights(None, centre_a)
        assert not profile_rights(user, centre_a).edit
        assert not may_edit_directory(user)


def test_the_network_coordinator_edits_every_centre_and_publishes(
    network_coordinator: User, centre_b: Centre
) -> None:
    rights = profile_rights(network_coordinator, centre_b)
    assert rights.edit
    assert rights.publish
    assert directory_centre_ids(network_coordinator) is None
    assert may_name_outside_laboratory(network_coordinator)


def test_a_test_is_edited_by_its_laboratory_s_coordinator_only(
    anne: User, bruno: User, network_coordinator: User, centre_a: Centre, nomenclature: None
) -> None:
    of_a = make_test(centre_a, publish=False)
    outside = make_test(None, publish=False)
    assert diagnostic_test_rights(anne, of_a).edit
    assert not diagnostic_test_rights(bruno, of_a).edit
    assert not diagnostic_test_rights(anne, outside).edit
    assert diagnostic_test_rights(network_coordinator, outside).edit
    assert diagnostic_test_rights(network_coordinator, of_a).publish
    assert not diagnostic_test_rights(anne, of_a).publish
