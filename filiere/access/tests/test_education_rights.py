"""The ETP policy: the centre's coordinator and the programme's team edit; the centre's
clinicians see; an outsider of another centre does not; the network coordinator sees all."""

from __future__ import annotations

import pytest

from filiere.access.actors import SYSTEM
from filiere.access.education import ProgrammeRights, programme_rights, sees_education
from filiere.access.grants import grants_for
from filiere.accounts.models import User
from filiere.education import services
from filiere.education.models import Programme, TeamMember
from filiere.education.selectors import programmes_visible_to
from filiere.education.tests.factories import make_programme
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(centre_a: Centre) -> Programme:
    return make_programme(centre_a)


@pytest.fixture
def anne(centre_a: Centre) -> User:
    """The coordinator of centre A."""
    user = make_user(email="anne@hopital.test", first_name="Anne", last_name="Girard")
    give_role(user, centre_a, Role.CENTRE_COORDINATOR)
    return user


def test_the_centres_coordinator_edits(anne: User, programme: Programme) -> None:
    assert programme_rights(anne, programme) == ProgrammeRights(see=True, edit=True)


def test_a_clinician_of_the_centre_sees_without_editing(alice: User, programme: Programme) -> None:
    assert programme_rights(alice, programme) == ProgrammeRights(see=True, edit=False)


def test_a_team_member_edits_even_from_another_centre(charlie: User, programme: Programme) -> None:
    services.team_member_add(
        actor=SYSTEM,
        programme=programme,
        user=charlie,
        profile=TeamMember.Profile.PROFESSIONAL,
        specialty="Hématologie",
    )
    assert programme_rights(charlie, programme) == ProgrammeRights(see=True, edit=True)
    assert list(programmes_visible_to(charlie)) == [programme]


def test_an_outsider_of_another_centre_sees_nothing(charlie: User, programme: Programme) -> None:
    assert programme_rights(charlie, programme) == ProgrammeRights()
    assert not programmes_visible_to(charlie).exists()


def test_the_coordinator_of_another_centre_sees_nothing(
    centre_b: Centre, programme: Programme
) -> None:
    other = make_user(email="coord-b@hopital.test")
    give_role(other, centre_b, Role.CENTRE_COORDINATOR)
    assert programme_rights(other, programme) == ProgrammeRights()


def test_the_network_coordinator_sees_every_programme_and_edits_none(
    network_coordinator: User, centre_b: Centre, programme: Programme
) -> None:
    other = make_programme(centre_b)
    assert programme_rights(network_coordinator, other) == ProgrammeRights(see=True)
    assert set(programmes_visible_to(network_coordinator)) == {programme, other}


def test_the_system_and_the_auditor_see_nothing(auditor: User, programme: Programme) -> None:
    assert programme_rights(SYSTEM, programme) == ProgrammeRights()
    assert programme_rights(auditor, programme) == ProgrammeRights()
    assert not sees_education(grants_for(auditor))


def test_the_menu_shows_etp_to_clinicians_and_the_network_coordinator(
    alice: User, network_coordinator: User
) -> None:
    assert sees_education(grants_for(alice))
    assert sees_education(grants_for(network_coordinator))
