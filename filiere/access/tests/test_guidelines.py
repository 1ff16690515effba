"""Who sees and edits the PNDS projects and the plan (filiere/access/guidelines.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from filiere.access.guidelines import (
    may_manage_guidelines,
    may_see_guidelines,
    project_rights,
)
from filiere.accounts.models import User
from filiere.guidelines.tests.factories import make_project
from filiere.network.models import Centre, Role
from filiere.testing.factories import give_role, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def bruno(centre_b: Centre) -> User:
    """A clinician of centre B who coordinates no project."""
    user = make_user(email="bruno@hopital.test", first_name="Bruno", last_name="Leroy")
    give_role(user, centre_b, Role.CLINICIAN)
    return user


def test_a_project_s_coordinator_edits_it_and_another_member_only_reads(
    alice: User, bruno: User, nomenclature: None
) -> None:
    project = make_project(coordinators=[alice])
    assert project_rights(alice, project).edit
    rights = project_rights(bruno, project)
    assert rights.view
    assert not rights.edit
    assert may_see_guidelines(bruno)
    assert not may_manage_guidelines(alice)


def test_the_network_coordinator_manages_every_project(
    network_coordinator: User, alice: User, nomenclature: None
) -> None:
    project = make_project(coordinators=[alice])
    assert project_rights(network_coordinator, project).edit
    assert may_manage_guidelines(network_coordinator)


def test_an_outsider_sees_nothing(alice: User, nomenclature: None) -> None:
    project = make_project(coordinators=[alice])
    stranger = make_user(email="sans.centre@ailleurs.test", first_name="Eva", last_name="Xterne")
    for user in (AnonymousUser(), stranger, None):
        assert project_rights(user, project).view is False
        assert not may_see_guidelines(user)


def test_a_coordinator_who_left_the_network_no_longer_edits(
    alice: User, nomenclature: None
) -> None:
    project = make_project(coordinators=[alice])
    alice.memberships.all().delete()
    alice = User.objects.get(pk=alice.pk)
    assert project_rights(alice, project).edit is False
